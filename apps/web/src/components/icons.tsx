/** Small inline icons (stroke icons, 20×20), so the app ships no icon font. */
const paths: Record<string, string> = {
  bell: 'M6 8a4 4 0 0 1 8 0c0 4.5 2 5.5 2 5.5H4S6 12.5 6 8M8.5 16.5a1.6 1.6 0 0 0 3 0',
  doc: 'M6 2.5h5.5L15 6v11.5H6zM11 2.5V6.5h4',
  hash: 'M8 3 6.5 17M13.5 3 12 17M3.5 7.5h14M3 12.5h14',
  trophy: 'M6.5 3.5h7v4a3.5 3.5 0 0 1-7 0zM6.5 5H3.5a3 3 0 0 0 3 3.5M13.5 5h3a3 3 0 0 1-3 3.5M10 11v3.5M7 17h6M8 14.5h4',
  live: 'M10 10m-2 0a2 2 0 1 0 4 0a2 2 0 1 0-4 0M5.5 5.5a6.4 6.4 0 0 0 0 9M14.5 5.5a6.4 6.4 0 0 1 0 9M3 3a10 10 0 0 0 0 14M17 3a10 10 0 0 1 0 14',
  user: 'M10 9.5a3.2 3.2 0 1 0 0-6.4 3.2 3.2 0 0 0 0 6.4M3.5 17a6.5 6.5 0 0 1 13 0',
  plus: 'M10 4v12M4 10h12',
  minus: 'M4 10h12',
  upload: 'M10 13V3.5M6 7l4-4 4 4M3.5 13v3.5h13V13',
  menu: 'M3.5 6h13M3.5 10h13M3.5 14h13',
  close: 'M5 5l10 10M15 5 5 15',
  share: 'M13.5 6.5a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4M6.5 12.2a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4M13.5 17.9a2.2 2.2 0 1 0 0-4.4 2.2 2.2 0 0 0 0 4.4M8.5 11l3 2M8.5 9l3-2',
  wifiOff: 'M2.5 2.5l15 15M5 9.5a7.5 7.5 0 0 1 3-1.7M12.3 8a7.5 7.5 0 0 1 2.7 1.5M7.5 12.5a3.5 3.5 0 0 1 5 0M10 16h.01M2 6.5A11 11 0 0 1 6 4.3M11 4a11 11 0 0 1 7 2.5',
  file: 'M5.5 2.5h6L15 6v11.5H5.5zM11 2.5V6.5h4M8 10.5h4.5M8 13.5h4.5',
  left: 'M12.5 4.5 7 10l5.5 5.5',
  right: 'M7.5 4.5 13 10l-5.5 5.5',
  history: 'M3.5 10a6.5 6.5 0 1 0 2-4.7M3.5 3.5v3h3M10 6.5V10l2.5 1.5',
  kanban: 'M3 3.5h14v13H3zM7.5 3.5v13M12.5 3.5v13',
  canvas: 'M3 15.5c2.5-5 4.5-8 6-8s1 5 3 5 2.5-3 5-6M3 17.5h14',
  clip: 'M15.5 9.5 10 15a3.5 3.5 0 0 1-5-5l6-6a2.3 2.3 0 0 1 3.3 3.3l-6 6a1.2 1.2 0 0 1-1.7-1.7L12 6.2',
  message: 'M3.5 4.5h13v9h-8l-3.5 3v-3h-1.5z',
  text: 'M4.5 5V3.5h11V5M10 3.5v13M7.5 16.5h5',
  sticky: 'M3.5 3.5h13v8l-5 5h-8zM16.5 11.5h-5v5',
  line: 'M4 16 16 4',
  arrow: 'M4 16 16 4M9 4h7v7',
  pointer: 'M5 3l11 6.6-4.8 1.2 2.9 5-2 1.2-2.9-5L5 15.3z',
  pen: 'M13.2 3.8l3 3L7 16l-4 1 1-4zM11.5 5.5l3 3',
  square: 'M4 4h12v12H4z',
  circle: 'M10 10m-6.5 0a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0-13 0',
  trash: 'M3.5 5.5h13M8 5.5V3.5h4v2M5.5 5.5l1 11h7l1-11M8.5 8.5v5M11.5 8.5v5',
  front: 'M8 8h8.5v8.5H8zM5.5 12H3.5V3.5H12v2',
  back: 'M3.5 3.5H12V12H3.5zM14.5 8h2v8.5H8v-2',
  edit: 'M4 16l.8-3.6L13 4.2l2.8 2.8-8.2 8.2zM11.4 5.8l2.8 2.8',
  target: 'M10 10m-6.5 0a6.5 6.5 0 1 0 13 0a6.5 6.5 0 1 0-13 0M10 10m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0M10 10h.01',
};

export function Icon({ name, size = 18, label }: { name: keyof typeof paths | string; size?: number; label?: string }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden={label ? undefined : 'true'} role={label ? 'img' : undefined} aria-label={label}>
      <path d={paths[name] ?? ''} />
    </svg>
  );
}
