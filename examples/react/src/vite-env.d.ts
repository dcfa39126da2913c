/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The taskrpc server's base URL, when it is not the page's own origin (e.g. http://127.0.0.1:3000). */
  readonly VITE_TASKRPC_URL?: string;
}
