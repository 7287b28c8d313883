import { en } from '../en'

/** The script tag loads English like every other language (i18n/index.ts): a visitor fetches one catalogue. */
export default en
