/**
 * The language strategies by core `Language`: java, python and nodejs have their own;
 * php, dotnet and golang, like any unknown language string (the CRD does not validate
 * it), get the generic one: init container and mount, no env (spec 5.4).
 */
import { Language } from "@whatap-operator/core"
import * as Generic from "./Generic.ts"
import * as Java from "./Java.ts"
import * as Nodejs from "./Nodejs.ts"
import * as Python from "./Python.ts"
import type { Strategy } from "./Strategy.ts"

export const strategies: { readonly [L in Language.Language]: Strategy } = {
  java: Java.strategy,
  python: Python.strategy,
  nodejs: Nodejs.strategy,
  php: Generic.strategy,
  dotnet: Generic.strategy,
  golang: Generic.strategy
}

export const forLanguage = (language: string): Strategy =>
  Language.isLanguage(language) ? strategies[language] : Generic.strategy
