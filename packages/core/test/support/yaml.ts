/**
 * Test helper: read YAML fixtures and samples as plain JS documents.
 */
import { readFileSync, readdirSync } from "node:fs"
import YAML from "yaml"

export const fixturesDir = new URL("../fixtures/", import.meta.url)
export const samplesDir = new URL("../../../../deploy/samples/", import.meta.url)

export const documents = (dir: URL, file: string): ReadonlyArray<unknown> =>
  YAML.parseAllDocuments(readFileSync(new URL(file, dir), "utf8")).map((doc) => doc.toJS())

export const document = (dir: URL, file: string): unknown => documents(dir, file)[0]

export const yamlFiles = (dir: URL): ReadonlyArray<string> =>
  readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()
