/**
 * @whatap-operator/core: the typed CRD model, the selector engine, validation and
 * CRD generation. Depends on `effect` only; no IO and no Node built-ins, so it runs
 * under Node.js and Deno alike.
 */
export * as Finding from "./Finding.ts"
export * as LabelSyntax from "./LabelSyntax.ts"
export * as Selector from "./Selector.ts"
