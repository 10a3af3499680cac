import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ECS_FIELDS, ECS_VERSION } from '../../src/eql/ecs-fields.js';
import { ecsFieldSpecs, encodeEcsFields, type EcsFlatField } from '../../src/eql/ecs-table.js';

const ecs = createRequire(import.meta.url)('@elastic/ecs') as {
  EcsFlat: Record<string, EcsFlatField>;
  EcsVersion: string;
};

describe('the compact ECS table', () => {
  it('is the installed @elastic/ecs package (else: npx tsx scripts/gen-ecs-fields.ts)', () => {
    expect(ECS_VERSION).toBe(ecs.EcsVersion);
    expect(encodeEcsFields(ecs.EcsFlat)).toBe(ECS_FIELDS);
  });

  it("reads back every field's type, ignore_above and multi-fields as the package has them", () => {
    const specs = ecsFieldSpecs();
    expect([...specs.keys()]).toEqual(Object.keys(ecs.EcsFlat));
    for (const [name, f] of Object.entries(ecs.EcsFlat)) {
      const spec = specs.get(name);
      expect(spec?.type, name).toBe(f.type ?? 'keyword');
      expect(spec?.ignore_above, name).toBe(f.ignore_above);
      expect(spec?.multi_fields, name).toEqual(f.multi_fields?.map((m) => ({ flat_name: m.flat_name, type: m.type })));
    }
    // A few the engine depends on, spelled out.
    expect(specs.get('process.command_line')).toEqual({
      type: 'wildcard',
      multi_fields: [{ flat_name: 'process.command_line.text', type: 'match_only_text' }],
    });
    expect(specs.get('process.name')?.multi_fields?.[0]).toEqual({
      flat_name: 'process.name.text',
      type: 'match_only_text',
    });
    expect(specs.get('@timestamp')).toEqual({ type: 'date' });
  });
});
