import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LiveError } from '../../../src/live/errors.js';
import { modelProfile } from '../../../src/live/models.js';
import { SchemaConversionError, jsonSchemaToApiSchema, toolDeclarations } from '../../../src/live/tool-schema.js';

const handler = () => null;

describe('jsonSchemaToApiSchema', () => {
  test('converts types, properties, required, items, enum, descriptions, formats and bounds', () => {
    const schema = jsonSchemaToApiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:weather',
      type: 'object',
      additionalProperties: false,
      description: 'Where and when',
      properties: {
        city: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Z]' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
        days: { type: 'integer', minimum: 1, maximum: 14, examples: [3] },
        date: { type: ['string', 'null'], format: 'date' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 0, maxItems: 5, uniqueItems: true },
        detail: { type: 'object', properties: { wind: { type: 'boolean' } }, additionalProperties: { type: 'string' } },
      },
      required: ['city', 42],
    });
    assert.deepEqual(schema, {
      type: 'OBJECT',
      description: 'Where and when',
      properties: {
        city: { type: 'STRING', pattern: '^[A-Z]', minLength: '1', maxLength: '80' },
        unit: { type: 'STRING', default: 'celsius', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'INTEGER', minimum: 1, maximum: 14, example: 3 },
        date: { type: 'STRING', nullable: true, format: 'date' },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: '0', maxItems: '5' },
        detail: { type: 'OBJECT', properties: { wind: { type: 'BOOLEAN' } } },
      },
      required: ['city'],
    });
  });

  test('several types become anyOf; anyOf with a null branch becomes nullable', () => {
    assert.deepEqual(jsonSchemaToApiSchema({ type: ['string', 'number', 'null'] }), {
      nullable: true,
      anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }],
    });
    assert.deepEqual(jsonSchemaToApiSchema({ anyOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'null' }] }), {
      nullable: true,
      type: 'ARRAY',
      items: { type: 'INTEGER' },
    });
    assert.deepEqual(jsonSchemaToApiSchema({ anyOf: [{ type: 'string' }, { type: 'object', properties: { a: true } }] }), {
      anyOf: [{ type: 'STRING' }, { type: 'OBJECT', properties: { a: {} } }],
    });
  });

  test('infers OBJECT and ARRAY from properties and items; const and null enum members', () => {
    assert.deepEqual(jsonSchemaToApiSchema({ properties: { a: { const: 'x' } } }), {
      type: 'OBJECT',
      properties: { a: { enum: ['x'] } },
    });
    assert.deepEqual(jsonSchemaToApiSchema({ items: {} }), { type: 'ARRAY', items: {} });
    assert.deepEqual(jsonSchemaToApiSchema({ type: 'string', enum: ['a', null] }), { type: 'STRING', enum: ['a'], nullable: true });
  });

  for (const [keyword, schema] of [
    ['$ref', { type: 'object', properties: { a: { $ref: '#/$defs/a' } } }],
    ['allOf', { allOf: [{ type: 'string' }] }],
    ['oneOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }],
    ['not', { not: { type: 'string' } }],
    ['patternProperties', { type: 'object', patternProperties: { '^x': {} } }],
    ['tuple items', { type: 'array', items: [{ type: 'string' }] }],
    ['unknown type', { type: 'date' }],
    ['numeric enum', { type: 'integer', enum: [1, 2] }],
    ['fractional bound', { type: 'string', maxLength: 2.5 }],
    ['false schema', { type: 'object', properties: { a: false } }],
  ] as const) {
    test(`refuses ${keyword} and names where`, () => {
      assert.throws(() => jsonSchemaToApiSchema(schema), (error: unknown) => {
        assert.ok(error instanceof SchemaConversionError);
        assert.match(error.message, /^#/);
        return true;
      });
    });
  }

  test('stops at absurd nesting instead of overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100; i += 1) schema = { type: 'array', items: schema };
    assert.throws(() => jsonSchemaToApiSchema(schema), /deeper than/);
  });
});

describe('toolDeclarations', () => {
  const tools = [
    { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } }, additionalProperties: false }, handler, behavior: 'blocking' as const },
    { name: 'ping', parameters: { type: 'object', properties: {} }, handler, behavior: 'non-blocking' as const },
    { name: '', handler },
  ];

  test('declares parameters in the API vocabulary, never parametersJsonSchema', () => {
    const [lookup, ping, ...rest] = toolDeclarations(tools, modelProfile('gemini-3.8-live'));
    assert.equal(rest.length, 0);
    assert.deepEqual(lookup, {
      name: 'lookup',
      description: 'Looks up',
      parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } } },
      behavior: 'BLOCKING',
    });
    // No arguments: no parameters at all (an OBJECT without properties is refused).
    assert.deepEqual(ping, { name: 'ping', behavior: 'NON_BLOCKING' });
    assert.ok(!JSON.stringify(lookup).includes('additionalProperties'));
  });

  test('sends behavior only where the model lets a declaration choose', () => {
    for (const model of ['gemini-3.1-flash-live-preview', 'gemini-2.5-flash-native-audio-latest', 'gemini-3.8-live-extended-thinking', 'publishers/google/models/gemini-3.8-live']) {
      const declarations = toolDeclarations(tools, modelProfile(model));
      assert.ok(declarations.every((declaration) => declaration.behavior === undefined), model);
    }
    // An id this package does not know gets what the page asked for.
    assert.equal(toolDeclarations(tools, modelProfile('gemini-9-live'))[1].behavior, 'NON_BLOCKING');
  });

  test('a schema that cannot be converted is config-invalid naming the tool', () => {
    assert.throws(
      () => toolDeclarations([{ name: 'book', parameters: { $ref: '#/$defs/booking' }, handler }], undefined),
      (error: unknown) => {
        assert.ok(error instanceof LiveError);
        assert.equal(error.detail.code, 'config-invalid');
        assert.match(error.message, /"book"/);
        assert.match(error.message, /\$ref/);
        return true;
      },
    );
  });
});
