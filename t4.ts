import { buildSedCorpus } from "./src/models/sed/corpus.ts";
const t = Date.now();
const s = await buildSedCorpus({ out: "/tmp/sedc", seed: 1, trainScenes: 400, testScenes: 100, newClass: "gunshot", newClassExamples: 10, onProgress: (d, n, note) => { if (d % 100 === 0) console.log(d, n, note); } });
console.log(JSON.stringify(s.recordings), JSON.stringify(s.events), Date.now() - t, "ms");
