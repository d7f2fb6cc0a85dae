// @ts-check
/**
 * Finds a function call in a user's text turn: the turn names a declared function ("call get_weather with
 * city Paris", "get weather for Paris" does not count) and the arguments come from JSON in the text or from
 * "with key value[, key value | and key value]" / "key=value" / "key: value" pairs.
 */

/**
 * @typedef {object} FunctionInfo
 * @property {string} name
 * @property {Record<string, string>} types JSON-schema type by parameter name, when declared
 * @property {string | undefined} behavior the declaration's `behavior` ("BLOCKING" / "NON_BLOCKING"), if any
 * @property {boolean} argumentsUnseen declared with `parametersJsonSchema` only, which Live models ignore: the
 *   model calls it with empty arguments
 */

/**
 * @typedef {{ name: string, args: Record<string, unknown> }} ToolIntent
 */

/**
 * Functions declared in a wire-format setup.
 * @param {Record<string, any> | undefined} setup
 * @returns {FunctionInfo[]}
 */
export function declaredFunctions(setup) {
  /** @type {FunctionInfo[]} */
  const functions = [];
  const tools = Array.isArray(setup?.tools) ? setup.tools : [];
  for (const tool of tools) {
    const declarations = Array.isArray(tool?.functionDeclarations) ? tool.functionDeclarations : [];
    for (const declaration of declarations) {
      if (typeof declaration?.name !== 'string' || !declaration.name) continue;
      const schema = declaration.parametersJsonSchema ?? declaration.parameters;
      /** @type {Record<string, string>} */
      const types = {};
      const properties = schema && typeof schema === 'object' ? schema.properties : undefined;
      if (properties && typeof properties === 'object') {
        for (const [key, property] of Object.entries(properties)) {
          const type = property && typeof property === 'object' ? property.type : undefined;
          if (typeof type === 'string') types[key] = type.toLowerCase();
        }
      }
      functions.push({
        name: declaration.name,
        types,
        behavior: typeof declaration.behavior === 'string' ? declaration.behavior : undefined,
        argumentsUnseen: declaration.parameters === undefined && declaration.parametersJsonSchema !== undefined,
      });
    }
  }
  return functions;
}

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param {string} text
 * @param {FunctionInfo[]} functions
 * @returns {ToolIntent | null}
 */
export function detectToolCall(text, functions) {
  const byLength = [...functions].sort((a, b) => b.name.length - a.name.length);
  for (const fn of byLength) {
    const pattern = new RegExp(`(?<![\\w])${escapeRegExp(fn.name)}(?![\\w])`, 'i');
    const match = pattern.exec(text);
    if (!match) continue;
    const rest = text.slice(match.index + match[0].length);
    return { name: fn.name, args: parseArguments(rest, fn.types) };
  }
  return null;
}

/**
 * @param {string} text the part of the turn after the function's name
 * @param {Record<string, string>} types
 * @returns {Record<string, unknown>}
 */
export function parseArguments(text, types = {}) {
  const json = extractJsonObject(text);
  if (json) return json;
  const withAt = /\bwith\b/i.exec(text);
  const listed = withAt ? text.slice(withAt.index + withAt[0].length) : text;
  /** @type {Record<string, unknown>} */
  const args = {};
  const segments = listed
    .replace(/[.!?]+\s*$/, '')
    .split(/\s*(?:,|;|\band\b)\s*/i)
    .map((segment) => segment.trim())
    .filter(Boolean);
  for (const segment of segments) {
    const pair = /^["']?([A-Za-z_][\w-]*)["']?\s*(?:=|:|\s)\s*(.+)$/.exec(segment);
    if (!pair) continue;
    const [, key, raw] = pair;
    // Without "with", only declared parameter names count, so ordinary words do not become arguments.
    if (!withAt && !(key in types)) continue;
    args[key] = coerce(raw.trim(), types[key]);
  }
  return args;
}

/** @param {string} text @returns {Record<string, unknown> | null} */
function extractJsonObject(text) {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return null;
  try {
    const value = JSON.parse(text.slice(start, end + 1));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} raw
 * @param {string | undefined} type
 * @returns {unknown}
 */
function coerce(raw, type) {
  const unquoted = raw.replace(/^(["'])(.*)\1$/, '$2');
  if (type === 'string') return unquoted;
  if (type === 'number' || type === 'integer') {
    const value = Number(unquoted);
    return Number.isFinite(value) ? value : unquoted;
  }
  if (type === 'boolean') return /^(true|yes|on)$/i.test(unquoted);
  if (unquoted !== raw) return unquoted;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

/**
 * Placeholder arguments for a forced tool call: one example value per declared parameter.
 * @param {FunctionInfo | undefined} fn
 * @returns {Record<string, unknown>}
 */
export function exampleArguments(fn) {
  /** @type {Record<string, unknown>} */
  const args = {};
  for (const [key, type] of Object.entries(fn?.types ?? {})) {
    args[key] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'string' ? 'example' : null;
  }
  return args;
}
