/**
 * Prometheus relabel configs (snake_case keys, as the OpenAgent reads them). Checks the
 * action name, the regex (RE2) and the fields an action cannot work without, which
 * Prometheus would otherwise refuse when it loads the generated scrape config.
 */
import type { MetricRelabelConfig } from "../../Scrape.ts"
import { error, type Issue, warning } from "./issue.ts"
import { each, type L, type List, nonEmpty, type Path } from "./model.ts"
import type { RegexCheck } from "./regex.ts"

export const actions = [
  "replace", "keep", "drop", "keepequal", "dropequal", "hashmod",
  "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase"
] as const

const needTargetLabel = new Set(["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"])

const checkOne = (config: L<MetricRelabelConfig>, path: Path, regexCheck: RegexCheck): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { action: rawAction, regex, target_label: target, modulus } = config
  // Prometheus lower-cases the action before matching it
  const action = nonEmpty(rawAction) ? rawAction.toLowerCase() : "replace"
  if (!(actions as ReadonlyArray<string>).includes(action)) {
    out.push(error("relabel", [...path, "action"], `unknown relabel action ${JSON.stringify(rawAction)}: expected one of ${actions.join(", ")}`))
  }
  const verdict = regex === undefined ? undefined : regexCheck(regex)
  if (verdict !== undefined) out.push((verdict.severity === "error" ? error : warning)("regex", [...path, "regex"], verdict.message))
  if (needTargetLabel.has(action) && !nonEmpty(target)) {
    out.push(error("relabel", [...path, "target_label"], `relabel action ${action} requires target_label`))
  }
  if (action === "hashmod" && !(modulus !== undefined && modulus > 0)) {
    out.push(error("relabel", [...path, "modulus"], "relabel action hashmod requires a modulus greater than 0"))
  }
  return out
}

export const checkRelabelConfigs = (configs: List<MetricRelabelConfig>, path: Path, regex: RegexCheck): ReadonlyArray<Issue> =>
  each(configs, path, (config, here) => checkOne(config, here, regex))
