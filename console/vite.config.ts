import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The admin console: built into console/dist (ignored by git) and served by the service at /console.
 * Everything is bundled from node_modules (nothing from a CDN) into files, so the page runs under a strict CSP
 * (no inline script or style). scripts/build-console.mjs builds it (npm install, npm start).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline assets would become data: URLs for scripts/styles, which the CSP refuses.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    // One bundle for a handful of screens is fine; React and react-aria make it ~570 kB before compression.
    chunkSizeWarningLimit: 1000,
    sourcemap: false,
  },
  logLevel: 'warn',
});
