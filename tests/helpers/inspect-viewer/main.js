// A page that hosts Inspect's log viewer (@metrevals/inspect-log-viewer) over plain HTTP:
// ?log_dir=<folder> with the logs and their listing.json, as `inspect view bundle` serves them.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { App, clientApi, initializeStore, simpleHttpApi } from '@metrevals/inspect-log-viewer';
import '@metrevals/inspect-log-viewer/styles/index.css';

const logDir = new URLSearchParams(window.location.search).get('log_dir') ?? 'logs';
const api = clientApi(simpleHttpApi(logDir));
initializeStore(api, { downloadFiles: false, downloadLogs: false, webWorkers: false, streamSamples: false, streamSampleData: false });
createRoot(document.getElementById('app')).render(createElement(App, { api }));
