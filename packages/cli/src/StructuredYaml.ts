/** The YAML half of Structured.ts, in a module of its own so that it is loaded only for `-o yaml`. */
import { stringify } from "./Yaml.ts"

export const fromJson = (json: string): string => stringify(JSON.parse(json))
