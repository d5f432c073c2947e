/** The row shapes are shared by every SQL adapter; kept here for imports that predate storage/rows.ts. */
export * from '../rows.js';
