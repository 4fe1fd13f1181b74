/** nb2prod's icon: a notebook page becoming a package box. */
import { LabIcon } from '@jupyterlab/ui-components';

const svgstr = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 2h9l3 3v5h-2V6h-3V4H5v14h5v2H3z"/>
    <path d="M6.5 8h5v1.6h-5zM6.5 11h4v1.6h-4z"/>
    <path d="M17 11.5l5 2.6v5.8l-5 2.6-5-2.6v-5.8zm0 2.1-2.6 1.3 2.6 1.3 2.6-1.3zm-3.2 2.9v2.4l2.4 1.2v-2.4zm6.4 0-2.4 1.2v2.4l2.4-1.2z"/>
  </g>
</svg>`;

export const nb2prodIcon = new LabIcon({ name: 'nb2prod:icon', svgstr });
