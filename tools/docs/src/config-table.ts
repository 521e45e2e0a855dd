// docs/configuration.md's table, from the components' config schemas: one row per variable and
// meaning, the components that read it, its default in each, the form it expects and what it does.
import type { Field, Schema } from "@reviewlens/runtime/config";

export interface ConfigComponent {
  name: string;
  schema: Schema;
  /** The command-line flag that sets a variable, for the flag-driven programs. */
  flagOf?: (variable: string) => string | undefined;
}

export interface ConfigRow {
  variable: string;
  flag: string | undefined;
  expected: string;
  description: string | undefined;
  /** Component name -> its default, as written in the table. */
  defaults: Map<string, string>;
}

/** A default as a person writes it; `unset` for optional variables, `required` when one must be given. */
export function defaultText(field: Field<unknown>): string {
  const value = field.fallback;
  if (value === undefined) return field.required ? "required" : "unset";
  if (Array.isArray(value)) return value.length === 0 ? "none" : `\`${value.join(",")}\``;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return `\`${String(value)}\``;
  return `\`${JSON.stringify(value)}\``;
}

/**
 * Walks the components in order; a variable read by several components with the same form and
 * description is one row listing them (and each one's default when they differ).
 */
export function configRows(components: ConfigComponent[]): ConfigRow[] {
  const rows = new Map<string, ConfigRow>();
  for (const component of components) {
    for (const [variable, field] of Object.entries(component.schema)) {
      const flag = component.flagOf?.(variable);
      const key = JSON.stringify([variable, flag, field.expected, field.description]);
      let row = rows.get(key);
      if (!row) {
        row = { variable, flag, expected: field.expected, description: field.description, defaults: new Map() };
        rows.set(key, row);
      }
      row.defaults.set(component.name, defaultText(field));
    }
  }
  return [...rows.values()];
}

/** `variable (component)` of every variable without a description. */
export function undescribed(components: ConfigComponent[]): string[] {
  return components.flatMap((c) => Object.entries(c.schema).filter(([, f]) => !f.description?.trim()).map(([v]) => `${v} (${c.name})`));
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Component names, each group whose members are all present written as the group's name. */
function componentsText(names: string[], groups: Record<string, string[]>): string {
  let rest = [...names];
  const parts: string[] = [];
  for (const [label, members] of Object.entries(groups)) {
    if (members.length > 0 && members.every((m) => rest.includes(m))) {
      parts.push(label);
      rest = rest.filter((n) => !members.includes(n));
    }
  }
  return [...parts, ...rest].join(", ");
}

function defaultsText(defaults: Map<string, string>, groups: Record<string, string[]>): string {
  const byValue = new Map<string, string[]>();
  for (const [component, value] of defaults) byValue.set(value, [...(byValue.get(value) ?? []), component]);
  if (byValue.size === 1) return [...byValue.keys()][0]!;
  return [...byValue].map(([value, components]) => `${value} (${componentsText(components, groups)})`).join(", ");
}

/**
 * The markdown table. `groups` names sets of components that read a variable together
 * ("every gRPC service"), so a row says so instead of listing them.
 */
export function renderConfigTable(rows: ConfigRow[], groups: Record<string, string[]> = {}): string {
  const lines = ["| variable | component | default | expected form | description |", "|---|---|---|---|---|"];
  for (const row of rows) {
    const variable = `\`${row.variable}\`${row.flag ? ` (\`${row.flag}\`)` : ""}`;
    lines.push(
      `| ${[variable, componentsText([...row.defaults.keys()], groups), defaultsText(row.defaults, groups), row.expected, row.description ?? ""].map(cell).join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
