/** How many bytes of a file's head a sniff needs (file-type reads at most this much). */
export const SNIFF_BYTES = 4100;
