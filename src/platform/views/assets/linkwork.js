// Progressive enhancement only: pages work without this file. It marks the page as able to run the
// NHS.UK components' scripts, then starts them.
import { initAll } from '/assets/nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
