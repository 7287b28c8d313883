/**
 * The import directions of DESIGN.md §2 are enforced by lint: a wrong import fails the check.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'parley/import-directions').map((m) => m.message)
}

describe('import directions', () => {
  it.each([
    ['src/stores/bad.ts', "import { createChatClient } from '../client'\nexport const x = createChatClient\n", /never the client/],
    ['src/protocol/bad.ts', "import { useChatStore } from '../stores/chat'\nexport const x = useChatStore\n", /imports nothing/],
    ['src/client/bad.ts', "import { useParley } from '../composables/useParley'\nexport const x = useParley\n", /only src\/protocol/],
    ['server/bad.ts', "import { createChatClient } from '../src/client'\nexport const x = createChatClient\n", /only src\/protocol/],
    ['src/composables/bad.ts', "import ChatLauncher from '../components/ChatLauncher.vue'\nexport const x = ChatLauncher\n", /below components/],
  ])('refuses %s', async (file, code, message) => {
    const found = await restricted(file, code)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(message)
  })

  it.each([
    ['src/composables/ok.ts', "import { createChatClient } from '../client'\nexport const x = createChatClient\n"],
    ['server/ok.ts', "import { PROTOCOL } from '../src/protocol'\nexport const x = PROTOCOL\n"],
    ['src/stores/ok.ts', "import type { TranscriptEntry } from '../protocol'\nexport type X = TranscriptEntry\n"],
  ])('allows %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([])
  })
})
