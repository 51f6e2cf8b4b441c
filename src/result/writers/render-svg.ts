/**
 * Vega-Lite specs -> SVG, in Node: compiled by vega-lite, rendered headless by vega. Both load on
 * first use only (about 1.5 MB): text formats never pay for them.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Fonts, sizes and colours shared by every chart. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  title: { fontSize: 14, anchor: 'start', subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'top', labelLimit: 360, columns: 4 },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2'] },
} as const;

/**
 * Each mark's aria-label (vega writes what it encodes: a layer's name and values) as its tooltip:
 * a `<title>` child, which every SVG viewer shows on hover, with no script.
 */
const withTooltips = (svg: string): string =>
  svg.replace(/<path aria-label="([^"]*)"([^>]*?)\/>/g, '<path aria-label="$1"$2><title>$1</title></path>');

export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return withTooltips(await view.toSVG());
  } finally {
    view.finalize();
  }
}
