// openapi-typescript writes its output with the TypeScript 5 compiler API, which TypeScript 7 (the
// project's type checker, a native binary) no longer ships; it gets TypeScript 5.9, installed as
// `typescript5`, and nothing else does.
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/openapi-typescript/')) {
    return next('typescript5', context);
  }
  return next(specifier, context);
}
