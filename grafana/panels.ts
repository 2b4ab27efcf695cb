// ethtrack's house style for Grafana panels, on Grafana's own typed builders
// (@grafana/grafana-foundation-sdk): each helper returns an SDK builder with
// the legend, colours and sizes every ethtrack panel shares, so generate.ts
// only says what a panel shows. Every query goes to the `datasource`
// variable (file provisioning cannot fill ${DS_...} inputs).

import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge_ from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap_ from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat_ from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table_ from '@grafana/grafana-foundation-sdk/table';
import * as timeseries_ from '@grafana/grafana-foundation-sdk/timeseries';

/** Grafana's own variable syntax, not a template literal. */
export const DATASOURCE_UID = '$' + '{datasource}';
const DATASOURCE = { type: 'prometheus', uid: DATASOURCE_UID };

export interface Target {
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  format?: prometheus.PromQueryFormat;
}

interface PanelOptions {
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
  stack?: boolean;
  thresholds?: dashboard.Threshold[];
  thresholdLines?: boolean;
  w?: number;
  h?: number;
}

/** What every panel builder of the SDK has in common, as far as we use it. */
interface CommonPanel {
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: { type: string; uid: string }): this;
  withTarget(target: prometheus.DataqueryBuilder): this;
  span(w: number): this;
  height(h: number): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  thresholds(thresholds: dashboard.ThresholdsConfigBuilder): this;
}

/** A row or a panel, as generate.ts lists them; `dashboardOf` numbers them in order. */
export type Item =
  | dashboard.RowBuilder
  | timeseries_.PanelBuilder
  | stat_.PanelBuilder
  | gauge_.PanelBuilder
  | statetimeline.PanelBuilder
  | heatmap_.PanelBuilder
  | table_.PanelBuilder;

function query(target: Target, index: number): prometheus.DataqueryBuilder {
  const built = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(String.fromCharCode(65 + index))
    .expr(target.expr)
    .legendFormat(target.legendFormat ?? '__auto')
    .format(target.format ?? prometheus.PromQueryFormat.TimeSeries);
  return target.instant ? built.instant() : built.range();
}

function thresholds(options: PanelOptions): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(options.thresholds ?? [{ color: 'green', value: null }]);
}

function color(mode: dashboard.FieldColorModeId): dashboard.FieldColorBuilder {
  return new dashboard.FieldColorBuilder().mode(mode);
}

/** Title, description, queries, size and the field defaults every panel shares. */
function base<P extends CommonPanel>(
  panel: P,
  title: string,
  list: Target[],
  options: PanelOptions,
  size: { w: number; h: number },
  withThresholds = true,
): P {
  panel
    .title(title)
    .description(options.description ?? '')
    .datasource(DATASOURCE)
    .span(options.w ?? size.w)
    .height(options.h ?? size.h)
    .unit(options.unit ?? 'short');
  if (withThresholds) panel.thresholds(thresholds(options));
  for (const [index, target] of list.entries()) panel.withTarget(query(target, index));
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  return panel;
}

export function timeseries(title: string, list: Target[], options: PanelOptions = {}): timeseries_.PanelBuilder {
  return base(new timeseries_.PanelBuilder(), title, list, options, { w: 12, h: 8 })
    .colorScheme(color(dashboard.FieldColorModeId.PaletteClassic))
    .drawStyle(common.GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(options.stack ? 30 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .stacking(
      new common.StackingConfigBuilder()
        .mode(options.stack ? common.StackingMode.Normal : common.StackingMode.None)
        .group('A'),
    )
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        options.thresholdLines ? common.GraphThresholdsStyleMode.LineAndArea : common.GraphThresholdsStyleMode.Off,
      ),
    )
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
}

function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false);
}

export function stat(title: string, list: Target[], options: PanelOptions = {}): stat_.PanelBuilder {
  return base(new stat_.PanelBuilder(), title, list, options, { w: 6, h: 4 })
    .colorScheme(color(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .textMode(common.BigValueTextMode.Auto)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto);
}

export function gauge(title: string, list: Target[], options: PanelOptions = {}): gauge_.PanelBuilder {
  return base(new gauge_.PanelBuilder(), title, list, options, { w: 6, h: 8 })
    .colorScheme(color(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);
}

/** 0/1 series drawn as down/up bands. */
export function stateTimeline(title: string, list: Target[], options: PanelOptions = {}): statetimeline.PanelBuilder {
  return (
    base(new statetimeline.PanelBuilder(), title, list, options, { w: 12, h: 8 })
      .colorScheme(color(dashboard.FieldColorModeId.Thresholds))
      .mappings([
        {
          type: dashboard.MappingType.ValueToText,
          options: { '0': { text: 'down', color: 'red', index: 0 }, '1': { text: 'up', color: 'green', index: 1 } },
        },
      ])
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .alignValue(common.TimelineValueAlignment.Left)
      .rowHeight(0.9)
      // Grafana's own default, spelled out: the SDK's default hides the legend.
      .legend(
        new common.VizLegendOptionsBuilder()
          .displayMode(common.LegendDisplayMode.List)
          .placement(common.LegendPlacement.Bottom)
          .showLegend(true),
      )
  );
}

export function heatmap(title: string, list: Target[], options: PanelOptions = {}): heatmap_.PanelBuilder {
  // Colours come from the scheme below, not from thresholds.
  return base(new heatmap_.PanelBuilder(), title, list, options, { w: 12, h: 8 }, false)
    .calculate(false)
    .yAxis(new heatmap_.YAxisConfigBuilder().axisPlacement(common.AxisPlacement.Left))
    .rowsFrame(new heatmap_.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Auto))
    .color(
      new heatmap_.HeatmapColorOptionsBuilder()
        .mode(heatmap_.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .steps(64)
        .exponent(0.5)
        .fill('dark-orange')
        .reverse(false),
    )
    .cellGap(1)
    .tooltip(new heatmap_.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(false))
    .showLegend();
}

/** A table of instant queries, merged on their labels. */
export function table(
  title: string,
  list: Target[],
  options: PanelOptions & { hide?: string[]; rename?: Record<string, string> } = {},
): table_.PanelBuilder {
  const instant = list.map((target) => ({ ...target, instant: true, format: prometheus.PromQueryFormat.Table }));
  const hidden: Record<string, boolean> = { Time: true, __name__: true };
  for (const name of options.hide ?? []) hidden[name] = true;
  return base(new table_.PanelBuilder(), title, instant, options, { w: 12, h: 8 })
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .footer(new common.TableFooterOptionsBuilder().show(false).reducer(['sum']).fields([]))
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: { excludeByName: hidden, indexByName: {}, renameByName: options.rename ?? {} },
    });
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).collapsed(false);
}

function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .regex('')
    .hide(dashboard.VariableHide.DontHide);
}

export function queryVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
): dashboard.QueryVariableBuilder {
  const expression = `label_values(${metric}, ${labelName})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .definition(expression)
    .query({ query: expression, refId: `${name}-variable` })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .regex('')
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .hide(dashboard.VariableHide.DontHide);
}

/**
 * A dashboard of rows and panels in reading order. The SDK lays them out: a
 * row starts a new line, panels fill the 24-column grid left to right and
 * wrap once a line is full (every line here adds up to exactly 24).
 */
export function dashboardOf(
  uid: string,
  title: string,
  variables: dashboard.QueryVariableBuilder[],
  items: Item[],
): dashboard.Dashboard {
  const built = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description('Generated by grafana/generate.ts (npm run dashboards); do not edit the JSON.')
    .tags(['ethtrack'])
    .timezone('browser')
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .version(1)
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .fiscalYearStartMonth(0)
    .liveNow(false)
    .link(
      new dashboard.DashboardLinkBuilder('ethtrack')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['ethtrack'])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true),
    )
    .withVariable(datasourceVariable());
  for (const variable of variables) built.withVariable(variable);
  for (const [index, item] of items.entries()) {
    item.id(index + 1);
    if (item instanceof dashboard.RowBuilder) built.withRow(item);
    else built.withPanel(item);
  }
  return built.build();
}
