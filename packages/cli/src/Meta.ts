/**
 * What `whatapctl version` reports and SARIF names as the tool: the CLI's own version
 * (kept equal to packages/cli/package.json by a test), the CRD schema version and the
 * operator's default images (spec §3.2-§3.3).
 */
import * as Images from "@whatap-operator/core/Images"

export const name = "whatapctl"
export const version = "0.1.0"
/** equal to core's `Resource.apiVersion` (tested); a literal so `version` loads no schema code */
export const schema = "monitoring.whatap.com/v2alpha1"

/** Core's defaults, through the subpath that loads no Schema code. */
export const defaultImages = Images.defaultImages
