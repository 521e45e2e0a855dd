// Lint rules beyond the compiler: no floating promises (Temporal's rule), no unused results.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "libs/contracts/src/gen/**", ".tools/**", "bench-results/**", "**/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] }] },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "require-yield": "off",
      // In-memory adapters and fakes implement Promise-returning ports with `async` and no await, so a
      // throw reaches the caller as a rejection, as it does from the real adapter. Dropping `async` to
      // satisfy this rule would turn those into synchronous throws: a behaviour change, not a fix.
      "@typescript-eslint/require-await": "off",
      // An AbortSignal's reason and a caught error are passed on as they are: callers match on them.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      "@typescript-eslint/only-throw-error": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  // Plain JavaScript (bin scripts, tool configs) is outside the TypeScript project: no type information.
  { files: ["**/*.js", "**/*.mjs"], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: { process: "readonly", console: "readonly" } } },
);
