/**
 * @module composables/useUploads
 * Files the guest is attaching to the next message: each checked against the contact centre's limits
 * before it is sent anywhere, uploaded with progress, cancellable, and handed to `send` once all are done.
 */
import { computed, reactive, shallowRef, type ComputedRef, type ShallowRef } from 'vue'
import type { ChatClient } from '../client'
import { MAX_ATTACHMENTS, typeAllowed, type Attachment, type AttachmentLimits } from '../protocol'
import { useI18n, type I18n } from '../i18n'
import { fileSize } from '../protocol/display-text'

export interface UploadChip {
  key: number
  name: string
  /** 0–1 */
  progress: number
  /** Why this file cannot go (too big, wrong type, refused by the BFF). */
  error?: string
  attachment?: Attachment
  abort(): void
}

export interface UseUploadsReturn {
  chips: Readonly<ShallowRef<readonly UploadChip[]>>
  /** A file is still on its way. */
  busy: ComputedRef<boolean>
  add(files: Iterable<File>): void
  remove(key: number): void
  /** The uploaded attachments for a message being sent; the chips are cleared. */
  take(): Attachment[]
}

/** `i18n` words the problems; by default in the nearest `<ParleyChat>`'s language (English outside one). */
export function useUploads(upload: ChatClient['upload'], limits: () => AttachmentLimits | undefined, { t, locale }: I18n = useI18n()): UseUploadsReturn {
  const chips = shallowRef<UploadChip[]>([])
  let next = 0

  function problem(file: File, limit: AttachmentLimits | undefined): string | undefined {
    if (!limit) return t('noFiles')
    if (chips.value.length >= MAX_ATTACHMENTS) return t('tooManyFiles', { n: MAX_ATTACHMENTS })
    if (!file.type || !typeAllowed(file.type, limit.types)) return t('fileType')
    if (file.size > limit.maxBytes) return t('fileTooBig', { size: fileSize(limit.maxBytes, locale()) })
    if (!file.size) return t('fileEmpty')
    return undefined
  }

  function remove(key: number): void {
    chips.value.find((c) => c.key === key)?.abort()
    chips.value = chips.value.filter((c) => c.key !== key)
  }

  return {
    chips,
    busy: computed(() => chips.value.some((c) => !c.attachment && !c.error)),
    add(files) {
      for (const file of files) {
        const chip: UploadChip = reactive({ key: next++, name: file.name, progress: 0, abort: () => undefined })
        const refused = problem(file, limits())
        chips.value = [...chips.value, chip]
        if (refused) {
          chip.error = refused
          continue
        }
        const { done, abort } = upload(file, (fraction) => (chip.progress = fraction))
        chip.abort = abort
        done.then(
          (attachment) => (chip.attachment = attachment),
          (err: unknown) => {
            if (err instanceof Error && 'code' in err && err.code === 'aborted') return
            chip.error = err instanceof Error ? err.message : t('uploadFailed')
          },
        )
      }
    },
    remove,
    take() {
      const ready = chips.value.flatMap((c) => (c.attachment ? [c.attachment] : []))
      chips.value = []
      return ready
    },
  }
}
