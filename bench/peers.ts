/**
 * The peers' published weights, as `../shared/PEERS.md` §2 records them: their figures and their sources,
 * not measured by this benchmark. gzip kB of what a page loads before (or with) the launcher.
 */
export interface PeerWeight {
  peer: string
  /** undefined where no credible public figure exists. */
  kB?: number
  what: string
  source: string
}

export const PEER_WEIGHTS: PeerWeight[] = [
  { peer: 'Genesys Messenger', what: 'bootstrap + config + Messenger app in an iframe', source: 'no credible public figure (PEERS.md §2)' },
  { peer: 'Chatwoot', kB: 170, what: 'widget JS (~81 KiB unused at start), plus sdk.js', source: 'Lighthouse table in chatwoot issue #2658 (2021)' },
  { peer: 'Rocket.Chat Livechat', kB: 488, what: 'loader + iframe runtime, vendors and app chunks + CSS', source: 'PEERS.md measurement of npm @rocket.chat/livechat 1.13.3' },
  { peer: 'Papercups', kB: 131, what: 'host side incl. React 18; chat window extra', source: 'PEERS.md esbuild bundle of @papercups-io/chat-widget 1.3.1' },
  { peer: 'Botpress webchat', kB: 232.4, what: '223 KB JS + 9.4 KB CSS incl. React', source: 'PEERS.md esbuild bundle of @botpress/webchat 4.5.2' },
  { peer: 'Twilio webchat-react-app', kB: 386, what: 'one bundle: launcher and chat', source: 'PEERS.md esbuild build of the repository (Jan 2025)' },
  { peer: 'Twilio Flex WebChat UI 2.x', kB: 549, what: 'single browser bundle (end-of-life)', source: 'PEERS.md, npm @twilio/flex-webchat-ui 2.9.4' },
  { peer: 'Microsoft Bot Framework Web Chat', kB: 483, what: 'minimal bundle (full: 945 KB)', source: 'PEERS.md, npm botframework-webchat 4.18.1' },
  { peer: 'Crisp', kB: 130, what: '~90 KB JS + 35–45 KB CSS + ~10 KB font', source: 'vendor statements [K1, K2] in PEERS.md' },
  { peer: 'Intercom', kB: 210, what: 'loader + frame bundle, derived from "~600 KB, cut by 65 %"', source: 'vendor engineering blog [I1] in PEERS.md' },
  { peer: 'vue-advanced-chat', kB: 161, what: 'web component incl. its own Vue runtime', source: 'PEERS.md esbuild bundle of 2.1.2' },
  { peer: '@chatscope/chat-ui-kit', kB: 98.2, what: 'basic layout incl. React (92 KB) + 6.2 KB CSS', source: 'PEERS.md esbuild bundle of 2.1.1' },
]
