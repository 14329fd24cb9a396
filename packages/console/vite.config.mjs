// The console page: one entry (index.html), hashed assets, no source maps shipped, nothing
// fetched from elsewhere at run time (the Content-Security-Policy forbids it anyway).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    // The engine serves the page from loopback: one small JS file and one CSS file.
    assetsInlineLimit: 0,
  },
});
