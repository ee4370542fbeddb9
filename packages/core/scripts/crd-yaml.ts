/**
 * Serialises the generated CRDs the way the repository stores them in `deploy/crds/`
 * (and `whatapctl crds` prints them). Kept outside `src/` because core itself has no
 * YAML dependency.
 */
import YAML from "yaml"
import { Crd, Resource } from "../src/index.ts"

export interface CrdFile {
  readonly fileName: string
  readonly content: string
}

export const stringify = (crd: Crd.CustomResourceDefinition): string =>
  YAML.stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })

export const renderCrdFiles = (): ReadonlyArray<CrdFile> =>
  Resource.kinds.map((kind) => ({ fileName: Crd.fileName(kind), content: stringify(Crd.generate(kind)) }))

/** Repository-relative directory of the committed copies. */
export const crdDirectory = new URL("../../../deploy/crds/", import.meta.url)
