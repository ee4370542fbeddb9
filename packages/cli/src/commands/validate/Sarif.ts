/**
 * SARIF 2.1.0 for code-scanning UIs: one run, one rule per finding category (the
 * validator's rule ids, only those that occur, sorted), one result per finding with
 * its physical location (UTF-16 columns, as the YAML positions are counted).
 */
import { Validate } from "@whatap-operator/core"
import * as Meta from "../../Meta.ts"
import type { FileResult } from "./Check.ts"

const uri = (file: string): string => (file === "<stdin>" ? "stdin" : file.replaceAll("\\", "/"))

export const sarif = (results: ReadonlyArray<FileResult>): string => {
  const findings = results.flatMap((r) => r.resources.flatMap((doc) => doc.findings.map((f) => ({ file: r.file, f }))))
  const ruleIds = [...new Set(findings.map(({ f }) => f.rule))].sort()
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: Meta.name,
          version: Meta.version,
          rules: ruleIds.map((id) => ({ id, name: id, shortDescription: { text: Validate.rules[id] } }))
        }
      },
      columnKind: "utf16CodeUnits",
      results: findings.map(({ file, f }) => ({
        ruleId: f.rule,
        ruleIndex: ruleIds.indexOf(f.rule),
        level: f.severity,
        message: { text: f.path === "" ? f.message : `${f.path}: ${f.message}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: uri(file) },
            region: { startLine: f.line, startColumn: f.column }
          },
          ...(f.path === "" ? {} : { logicalLocations: [{ fullyQualifiedName: f.path }] })
        }]
      }))
    }]
  }
  return `${JSON.stringify(log, null, 2)}\n`
}
