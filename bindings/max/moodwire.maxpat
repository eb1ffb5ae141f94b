{
  "patcher": {
    "fileversion": 1,
    "appversion": { "major": 8, "minor": 6, "revision": 0, "architecture": "x64", "modernui": 1 },
    "rect": [80.0, 80.0, 760.0, 480.0],
    "boxes": [
      { "box": { "id": "obj-1", "maxclass": "comment", "text": "moodwire in Max: start the engine, then route what it hears and sees. Needs `npm ci` in the moodwire folder.", "patching_rect": [20.0, 10.0, 640.0, 20.0], "numinlets": 1, "numoutlets": 0 } },
      { "box": { "id": "obj-2", "maxclass": "message", "text": "script start", "patching_rect": [20.0, 40.0, 80.0, 22.0], "numinlets": 2, "numoutlets": 1, "outlettype": [""] } },
      { "box": { "id": "obj-3", "maxclass": "message", "text": "start --input /path/to/song.wav --loop", "patching_rect": [110.0, 40.0, 240.0, 22.0], "numinlets": 2, "numoutlets": 1, "outlettype": [""] } },
      { "box": { "id": "obj-4", "maxclass": "message", "text": "start", "patching_rect": [360.0, 40.0, 40.0, 22.0], "numinlets": 2, "numoutlets": 1, "outlettype": [""] } },
      { "box": { "id": "obj-5", "maxclass": "message", "text": "stop", "patching_rect": [410.0, 40.0, 40.0, 22.0], "numinlets": 2, "numoutlets": 1, "outlettype": [""] } },
      { "box": { "id": "obj-6", "maxclass": "message", "text": "mapping ../../mappings/affect-midi.json", "patching_rect": [460.0, 40.0, 240.0, 22.0], "numinlets": 2, "numoutlets": 1, "outlettype": [""] } },
      { "box": { "id": "obj-7", "maxclass": "newobj", "text": "node.script moodwire.js @autostart 1", "patching_rect": [20.0, 100.0, 230.0, 22.0], "numinlets": 1, "numoutlets": 2, "outlettype": ["", ""] } },
      { "box": { "id": "obj-8", "maxclass": "newobj", "text": "route state affect emotion event motif face health", "patching_rect": [20.0, 150.0, 420.0, 22.0], "numinlets": 1, "numoutlets": 8, "outlettype": ["", "", "", "", "", "", "", ""] } },
      { "box": { "id": "obj-9", "maxclass": "newobj", "text": "unpack 0. 0. s s 0.", "patching_rect": [80.0, 200.0, 130.0, 22.0], "numinlets": 1, "numoutlets": 5, "outlettype": ["float", "float", "", "", "float"] } },
      { "box": { "id": "obj-10", "maxclass": "flonum", "patching_rect": [80.0, 240.0, 60.0, 22.0], "numinlets": 1, "numoutlets": 2, "outlettype": ["", "bang"] } },
      { "box": { "id": "obj-11", "maxclass": "flonum", "patching_rect": [150.0, 240.0, 60.0, 22.0], "numinlets": 1, "numoutlets": 2, "outlettype": ["", "bang"] } },
      { "box": { "id": "obj-12", "maxclass": "comment", "text": "valence / arousal", "patching_rect": [80.0, 265.0, 130.0, 20.0], "numinlets": 1, "numoutlets": 0 } },
      { "box": { "id": "obj-13", "maxclass": "newobj", "text": "print moodwire-state", "patching_rect": [20.0, 320.0, 130.0, 22.0], "numinlets": 1, "numoutlets": 0 } },
      { "box": { "id": "obj-14", "maxclass": "newobj", "text": "print moodwire-event", "patching_rect": [240.0, 320.0, 130.0, 22.0], "numinlets": 1, "numoutlets": 0 } },
      { "box": { "id": "obj-15", "maxclass": "newobj", "text": "print moodwire-motif", "patching_rect": [380.0, 320.0, 130.0, 22.0], "numinlets": 1, "numoutlets": 0 } },
      { "box": { "id": "obj-16", "maxclass": "newobj", "text": "print moodwire-face", "patching_rect": [520.0, 320.0, 130.0, 22.0], "numinlets": 1, "numoutlets": 0 } }
    ],
    "lines": [
      { "patchline": { "source": ["obj-2", 0], "destination": ["obj-7", 0] } },
      { "patchline": { "source": ["obj-3", 0], "destination": ["obj-7", 0] } },
      { "patchline": { "source": ["obj-4", 0], "destination": ["obj-7", 0] } },
      { "patchline": { "source": ["obj-5", 0], "destination": ["obj-7", 0] } },
      { "patchline": { "source": ["obj-6", 0], "destination": ["obj-7", 0] } },
      { "patchline": { "source": ["obj-7", 0], "destination": ["obj-8", 0] } },
      { "patchline": { "source": ["obj-8", 0], "destination": ["obj-13", 0] } },
      { "patchline": { "source": ["obj-8", 1], "destination": ["obj-9", 0] } },
      { "patchline": { "source": ["obj-9", 0], "destination": ["obj-10", 0] } },
      { "patchline": { "source": ["obj-9", 1], "destination": ["obj-11", 0] } },
      { "patchline": { "source": ["obj-8", 3], "destination": ["obj-14", 0] } },
      { "patchline": { "source": ["obj-8", 4], "destination": ["obj-15", 0] } },
      { "patchline": { "source": ["obj-8", 5], "destination": ["obj-16", 0] } }
    ]
  }
}
