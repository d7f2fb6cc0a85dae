import type { FunctionDeclaration, Schema } from '@google/genai';
import type { LiveTool } from './types.js';
import { LiveError } from './errors.js';
import { behaviorIsChosen, type ModelProfile } from './models.js';
import { isObject, type Json } from '../shared/json.js';

/**
 * JSON Schema → the API's own `Schema` (an OpenAPI subset). Live models ignore `parametersJsonSchema` (2.5
 * calls the function with empty arguments) and 3.x refuses `additionalProperties`, so tools are declared with
 * `parameters` in the API's vocabulary. What the API has no word for is either harmless to drop (annotations,
 * `additionalProperties`) or changes what the schema means (`$ref`, `allOf`, …): the latter cannot be converted.
 */


/** A schema that cannot be expressed as an API `Schema`. */
export class SchemaConversionError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'SchemaConversionError';
  }
}

const TYPES: Record<string, NonNullable<Schema['type']>> = {
  string: 'STRING' as never,
  number: 'NUMBER' as never,
  integer: 'INTEGER' as never,
  boolean: 'BOOLEAN' as never,
  array: 'ARRAY' as never,
  object: 'OBJECT' as never,
  null: 'NULL' as never,
};

/** Keywords whose meaning the API cannot express: converting without them would declare something else. */
const UNCONVERTIBLE = [
  '$ref',
  '$dynamicRef',
  'allOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'dependentSchemas',
  'dependentRequired',
  'dependencies',
  'prefixItems',
  'contains',
  'propertyNames',
  'unevaluatedItems',
];

/** Keywords copied as they are. */
const COPIED = ['description', 'title', 'format', 'pattern', 'default', 'example', 'minimum', 'maximum'] as const;
/** Integer bounds, sent as the int64 strings of the API's JSON. */
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties'] as const;

const MAX_DEPTH = 32;


/** Converts one JSON Schema; throws {@link SchemaConversionError} with the path of the part that cannot be. */
export function jsonSchemaToApiSchema(schema: unknown, path = '#'): Schema {
  return convert(schema, path, 0);
}

function convert(schema: unknown, path: string, depth: number): Schema {
  if (depth > MAX_DEPTH) throw new SchemaConversionError(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (schema === true) return {};
  if (!isObject(schema)) throw new SchemaConversionError(path, 'a schema must be an object');
  for (const keyword of UNCONVERTIBLE) {
    if (keyword in schema) throw new SchemaConversionError(path, `"${keyword}" has no equivalent in the API's Schema`);
  }
  const out: Json = {};

  const types = typeList(schema.type, path);
  const nonNull = types.filter((type) => type !== 'null');
  if (types.length > nonNull.length && nonNull.length > 0) out.nullable = true;
  if (nonNull.length === 1 || (types.length === 1 && types[0] === 'null')) out.type = TYPES[nonNull[0] ?? 'null'];
  else if (nonNull.length > 1) out.anyOf = nonNull.map((type) => ({ type: TYPES[type] }));
  else if (isObject(schema.properties)) out.type = TYPES.object;
  else if ('items' in schema) out.type = TYPES.array;
  if (schema.nullable === true) out.nullable = true;

  for (const key of COPIED) if (schema[key] !== undefined) out[key] = schema[key];
  if (out.example === undefined && Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0];
  for (const key of COUNTS) {
    const value = schema[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new SchemaConversionError(`${path}/${key}`, 'must be a non-negative integer');
    }
    out[key] = String(value);
  }

  if ('const' in schema) out.enum = enumValues([schema.const], `${path}/const`);
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum)) throw new SchemaConversionError(`${path}/enum`, 'must be an array');
    const values = enumValues(schema.enum, `${path}/enum`);
    out.enum = values;
    if (values.length < schema.enum.length) out.nullable = true;
  }

  if (schema.properties !== undefined) {
    if (!isObject(schema.properties)) throw new SchemaConversionError(`${path}/properties`, 'must be an object');
    const properties: Record<string, Schema> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      properties[name] = convert(property, `${path}/properties/${name}`, depth + 1);
    }
    out.properties = properties;
  }
  if (Array.isArray(schema.required)) {
    const required = schema.required.filter((name): name is string => typeof name === 'string');
    if (required.length) out.required = required;
  }
  if (schema.items !== undefined) {
    if (Array.isArray(schema.items)) throw new SchemaConversionError(`${path}/items`, 'tuple "items" has no equivalent in the API\'s Schema');
    out.items = convert(schema.items, `${path}/items`, depth + 1);
  }

  if (schema.anyOf !== undefined) {
    if (!Array.isArray(schema.anyOf)) throw new SchemaConversionError(`${path}/anyOf`, 'must be an array');
    const branches: Schema[] = [];
    schema.anyOf.forEach((branch, index) => {
      if (isObject(branch) && branch.type === 'null' && Object.keys(branch).length === 1) out.nullable = true;
      else branches.push(convert(branch, `${path}/anyOf/${index}`, depth + 1));
    });
    // `anyOf: [{…}, {type: "null"}]` is how generators write "nullable": one branch merges into its parent.
    if (branches.length === 1 && out.type === undefined && out.anyOf === undefined) Object.assign(out, branches[0], out.nullable ? { nullable: true } : {});
    else if (branches.length > 0) out.anyOf = [...((out.anyOf as Schema[] | undefined) ?? []), ...branches];
  }
  return out as Schema;
}

function typeList(type: unknown, path: string): string[] {
  if (type === undefined) return [];
  const list = Array.isArray(type) ? type : [type];
  for (const entry of list) {
    if (typeof entry !== 'string' || !(entry in TYPES)) {
      throw new SchemaConversionError(`${path}/type`, `unknown type ${JSON.stringify(entry)}`);
    }
  }
  return [...new Set(list as string[])];
}

/** The API's `enum` lists strings; a `null` member makes the schema nullable instead. */
function enumValues(values: unknown[], path: string): string[] {
  const strings: string[] = [];
  for (const value of values) {
    if (value === null) continue;
    if (typeof value !== 'string') {
      throw new SchemaConversionError(path, `enum values must be strings (the API's enum is a list of strings), got ${JSON.stringify(value)}`);
    }
    strings.push(value);
  }
  return strings;
}

/**
 * The function declarations for `tools`, in the API's vocabulary and as far as `profile` lets a declaration
 * choose how its calls run. A schema that cannot be converted is a `config-invalid` error naming the tool.
 */
export function toolDeclarations(tools: readonly LiveTool[], profile: ModelProfile | undefined): FunctionDeclaration[] {
  const declarations: FunctionDeclaration[] = [];
  for (const tool of tools) {
    if (!tool || typeof tool.name !== 'string' || !tool.name) continue;
    const declaration: FunctionDeclaration = { name: tool.name };
    if (tool.description) declaration.description = tool.description;
    if (tool.parameters !== undefined && tool.parameters !== null) {
      try {
        const parameters = jsonSchemaToApiSchema(tool.parameters);
        // A function without arguments is declared without parameters: the API refuses an OBJECT without properties.
        const noArguments = parameters.type === 'OBJECT' && Object.keys(parameters.properties ?? {}).length === 0;
        if (!noArguments) declaration.parameters = parameters;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new LiveError('config-invalid', `The parameters of tool "${tool.name}" cannot be declared to the model: ${reason}`, false, {
          cause: error,
        });
      }
    }
    if (tool.behavior && behaviorIsChosen(profile)) {
      declaration.behavior = (tool.behavior === 'blocking' ? 'BLOCKING' : 'NON_BLOCKING') as never;
    }
    declarations.push(declaration);
  }
  return declarations;
}
