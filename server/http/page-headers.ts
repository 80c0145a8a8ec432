// The headers every response carries, pages and API alike: no framing by any other page, no content
// sniffing, no referrer (a link's key must not leak to where the page links), and a Content Security
// Policy that allows only this server's own script, styles, images and sockets.
import type { RequestHandler } from 'express';

/**
 * What the client truly needs: its own app.js and app.css, the favicon as a data: URI, fetches and
 * the terminal WebSockets to this origin ('self' covers ws: and wss: of the same host in CSP 3).
 * 'unsafe-inline' for styles only: xterm.js 5.5 writes its theme and cell sizes into <style>
 * elements it creates at run time, with no nonce to hand it; scripts stay strictly 'self'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  // For browsers that predate frame-ancestors.
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};
