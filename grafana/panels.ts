// Small builders for Grafana dashboard JSON: variables, panels and a grid
// layout. Every query goes to the `datasource` variable (file provisioning
// cannot fill ${DS_...} inputs).

/** Grafana's own variable syntax, not a template literal. */
export const DATASOURCE_UID = '$' + '{datasource}';
export const DATASOURCE = { type: 'prometheus', uid: DATASOURCE_UID } as const;

export interface Target {
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
}

export type Json = { [key: string]: unknown };

export interface Panel extends Json {
  type: string;
  title: string;
  gridPos?: { x: number; y: number; w: number; h: number };
}

interface PanelOptions {
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
  stack?: boolean;
  thresholds?: { color: string; value: number | null }[];
  thresholdLines?: boolean;
  decimals?: number;
  w?: number;
  h?: number;
}

function targets(list: Target[]): Json[] {
  return list.map((target, index) => ({
    datasource: DATASOURCE,
    refId: String.fromCharCode(65 + index),
    expr: target.expr,
    legendFormat: target.legendFormat ?? '__auto',
    range: !target.instant,
    instant: target.instant ?? false,
    format: target.format ?? 'time_series',
  }));
}

function defaults(options: PanelOptions): Json {
  const fieldDefaults: Json = {
    unit: options.unit ?? 'short',
    thresholds: {
      mode: 'absolute',
      steps: options.thresholds ?? [{ color: 'green', value: null }],
    },
  };
  if (options.min !== undefined) fieldDefaults.min = options.min;
  if (options.max !== undefined) fieldDefaults.max = options.max;
  if (options.decimals !== undefined) fieldDefaults.decimals = options.decimals;
  return fieldDefaults;
}

function base(type: string, title: string, list: Target[], options: PanelOptions): Panel {
  return {
    type,
    title,
    description: options.description ?? '',
    datasource: DATASOURCE,
    targets: targets(list),
    gridPos: { x: 0, y: 0, w: options.w ?? 12, h: options.h ?? 8 },
  };
}

export function timeseries(title: string, list: Target[], options: PanelOptions = {}): Panel {
  const panel = base('timeseries', title, list, options);
  panel.fieldConfig = {
    defaults: {
      ...defaults(options),
      color: { mode: 'palette-classic' },
      custom: {
        drawStyle: 'line',
        lineWidth: 1,
        fillOpacity: options.stack ? 30 : 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { mode: options.stack ? 'normal' : 'none', group: 'A' },
        thresholdsStyle: { mode: options.thresholdLines ? 'line+area' : 'off' },
      },
    },
    overrides: [],
  };
  panel.options = {
    legend: { displayMode: 'table', placement: 'right', showLegend: true, calcs: ['lastNotNull', 'max'] },
    tooltip: { mode: 'multi', sort: 'desc' },
  };
  return panel;
}

export function stat(title: string, list: Target[], options: PanelOptions = {}): Panel {
  const panel = base('stat', title, list, { w: 6, h: 4, ...options });
  panel.fieldConfig = { defaults: { ...defaults(options), color: { mode: 'thresholds' } }, overrides: [] };
  panel.options = {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    colorMode: 'background',
    graphMode: 'area',
    textMode: 'auto',
    justifyMode: 'auto',
    orientation: 'auto',
  };
  return panel;
}

export function gauge(title: string, list: Target[], options: PanelOptions = {}): Panel {
  const panel = base('gauge', title, list, { w: 6, h: 8, ...options });
  panel.fieldConfig = { defaults: { ...defaults(options), color: { mode: 'thresholds' } }, overrides: [] };
  panel.options = {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    showThresholdMarkers: true,
    showThresholdLabels: false,
  };
  return panel;
}

export function stateTimeline(title: string, list: Target[], options: PanelOptions = {}): Panel {
  const panel = base('state-timeline', title, list, options);
  panel.fieldConfig = {
    defaults: {
      ...defaults(options),
      color: { mode: 'thresholds' },
      mappings: [
        {
          type: 'value',
          options: { '0': { text: 'down', color: 'red', index: 0 }, '1': { text: 'up', color: 'green', index: 1 } },
        },
      ],
    },
    overrides: [],
  };
  panel.options = { showValue: 'never', mergeValues: true, alignValue: 'left', rowHeight: 0.9 };
  return panel;
}

export function heatmap(title: string, list: Target[], options: PanelOptions = {}): Panel {
  const panel = base('heatmap', title, list, options);
  panel.fieldConfig = { defaults: { unit: options.unit ?? 'short' }, overrides: [] };
  panel.options = {
    calculate: false,
    yAxis: { axisPlacement: 'left' },
    rowsFrame: { layout: 'auto' },
    color: { mode: 'scheme', scheme: 'Oranges', steps: 64, exponent: 0.5, fill: 'dark-orange', reverse: false },
    cellGap: 1,
    tooltip: { show: true, yHistogram: false },
    legend: { show: true },
  };
  return panel;
}

/** A table of instant queries, merged on their labels. */
export function table(title: string, list: Target[], options: PanelOptions & { hide?: string[] } = {}): Panel {
  const panel = base(
    'table',
    title,
    list.map((target) => ({ ...target, instant: true, format: 'table' as const })),
    options,
  );
  panel.fieldConfig = { defaults: { ...defaults(options) }, overrides: [] };
  panel.options = { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } };
  const hidden: Json = { Time: true, __name__: true };
  for (const name of options.hide ?? []) hidden[name] = true;
  panel.transformations = [
    { id: 'merge', options: {} },
    { id: 'organize', options: { excludeByName: hidden, indexByName: {}, renameByName: {} } },
  ];
  return panel;
}

export function row(title: string): Panel {
  return { type: 'row', title, collapsed: false, panels: [], gridPos: { x: 0, y: 0, w: 24, h: 1 } };
}

/** Lays panels out left to right in a 24-column grid; rows start a new line. Ids in order. */
export function layout(panels: Panel[]): Panel[] {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((panel, index) => {
    const size = panel.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
    if (panel.type === 'row' || x + size.w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed: Panel = { ...panel, id: index + 1, gridPos: { x, y, w: size.w, h: size.h } };
    x += size.w;
    lineHeight = Math.max(lineHeight, size.h);
    if (panel.type === 'row') {
      y += size.h;
      x = 0;
      lineHeight = 0;
    }
    return placed;
  });
}

export function datasourceVariable(): Json {
  return {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    regex: '',
    current: {},
    hide: 0,
    refresh: 1,
    options: [],
  };
}

export function queryVariable(name: string, label: string, metric: string, labelName: string): Json {
  const query = `label_values(${metric}, ${labelName})`;
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: `${name}-variable` },
    refresh: 2,
    regex: '',
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.+',
    current: {},
    hide: 0,
    options: [],
  };
}

export function dashboard(uid: string, title: string, variables: Json[], panels: Panel[]): Json {
  return {
    uid,
    title,
    description: 'Generated by grafana/generate.ts (npm run dashboards); do not edit the JSON.',
    tags: ['ethtrack'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [
      {
        type: 'dashboards',
        tags: ['ethtrack'],
        asDropdown: false,
        includeVars: true,
        keepTime: true,
        title: 'ethtrack',
      },
    ],
    annotations: { list: [] },
    templating: { list: variables },
    panels: layout(panels),
  };
}
