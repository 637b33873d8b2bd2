import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves client/dist on its own port. In `npm run dev -w client` the API is
// proxied to a server on :2567 and the room connection goes there directly (see room.ts).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    proxy: {
      '/api': 'http://localhost:2567',
    },
  },
});
