import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './style.css';
import 'uplot/dist/uPlot.min.css';

createRoot(document.getElementById('root')!).render(<App />);
