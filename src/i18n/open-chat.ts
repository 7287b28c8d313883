/**
 * @module i18n/open-chat
 * The script tag's own launcher button is named before any catalogue has loaded, so its one string comes
 * in every language here (80 bytes gzipped instead of a catalogue); i18n.test.ts keeps them equal.
 */
import type { Locale } from './match'

export const OPEN_CHAT: Readonly<Record<Locale, string>> = {
  en: 'Open chat',
  de: 'Chat öffnen',
  fr: 'Ouvrir le chat',
  es: 'Abrir el chat',
  'pt-BR': 'Abrir o chat',
  ja: 'チャットを開く',
  ar: 'افتح المحادثة',
  he: 'פתיחת הצ׳אט',
}
