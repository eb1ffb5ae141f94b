// Problems the user can fix (a wrong folder, a missing Debian package, too few clips): the
// commands print them as one line instead of a stack trace. Anything else is a bug.

export class ModelInputError extends Error {
  override name = "ModelInputError";
}
