/** The console's entry: one Preact tree in #app. */
import './shims/buffer-global.js';
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
