/**
 * Prometheus relabel configs (snake_case keys, as the OpenAgent reads them). Checks the
 * action name, the regex (RE2) and the fields an action cannot work without, which
 * Prometheus would otherwise refuse when it loads the generated scrape config.
 */
import { error, type Issue } from "./issue.ts"
import { field, items, type Path, str } from "./json.ts"
import { re2Error } from "./regex.ts"

export const actions = [
  "replace", "keep", "drop", "keepequal", "dropequal", "hashmod",
  "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase"
] as const

const needTargetLabel = new Set(["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"])

const checkOne = (config: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const rawAction = str(field(config, "action"))
  // Prometheus lower-cases the action before matching it
  const action = rawAction === undefined || rawAction === "" ? "replace" : rawAction.toLowerCase()
  if (!(actions as ReadonlyArray<string>).includes(action)) {
    out.push(error("relabel", [...path, "action"], `unknown relabel action ${JSON.stringify(rawAction)}: expected one of ${actions.join(", ")}`))
  }
  const regex = str(field(config, "regex"))
  if (regex !== undefined) {
    const problem = re2Error(regex)
    if (problem !== undefined) out.push(error("regex", [...path, "regex"], problem))
  }
  const target = str(field(config, "target_label"))
  if (needTargetLabel.has(action) && (target === undefined || target === "")) {
    out.push(error("relabel", [...path, "target_label"], `relabel action ${action} requires target_label`))
  }
  const modulus = field(config, "modulus")
  if (action === "hashmod" && !(typeof modulus === "number" && modulus > 0)) {
    out.push(error("relabel", [...path, "modulus"], "relabel action hashmod requires a modulus greater than 0"))
  }
  return out
}

export const checkRelabelConfigs = (configs: unknown, path: Path): ReadonlyArray<Issue> =>
  items(configs).flatMap((config, i) => checkOne(config, [...path, i]))
