// The import directions of DESIGN.md §2 as an ESLint rule. A local rule instead of
// eslint-plugin-import-x: our imports are all relative or bare package names, so resolving them is one
// path.resolve, and import-x's native resolver (unrs-resolver) cannot be locked for every platform here.
import { dirname, relative, resolve, sep } from 'node:path'

const inside = (path, dir) => path === dir || path.startsWith(dir + sep)

/** @type {import('eslint').Rule.RuleModule} */
export const importDirections = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import directions between the layers of Parley' },
    schema: [
      {
        type: 'object',
        properties: {
          zones: {
            type: 'array',
            items: {
              type: 'object',
              properties: { target: { type: 'string' }, from: { type: 'array', items: { type: 'string' } }, message: { type: 'string' } },
              required: ['target', 'from', 'message'],
            },
          },
        },
        required: ['zones'],
      },
    ],
  },
  create(context) {
    const root = context.cwd
    const file = resolve(root, context.filename)
    const zones = context.options[0].zones
      .map((z) => ({ target: resolve(root, z.target), from: z.from.map((f) => resolve(root, f)), message: z.message }))
      .filter((z) => inside(file, z.target))
    if (!zones.length) return {}

    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return
      const imported = resolve(dirname(file), source)
      for (const zone of zones) {
        const hit = zone.from.find((f) => inside(imported, f))
        if (hit) context.report({ node, message: `${zone.message} (imports ${relative(root, imported)})` })
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    }
  },
}

export default { rules: { 'import-directions': importDirections } }
