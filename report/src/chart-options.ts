// ECharts options and their text alternatives, built from the model (pure; the DOM side is charts.ts).
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { NOT_MEASURED, channelLabel, formatDateTime, formatInt, formatPct, platformLabel } from './format.js';
import {
  FUNNEL_STAGES,
  funnelSteps,
  STAGE_LABEL,
  vendorAppLabel,
  type ChannelTotal,
  type CurvePoint,
  type FunnelStage,
  type FunnelTotal,
  type Vendor,
} from './model.js';

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** What a chart shows: the option, its height, and the sentence a screen reader reads instead. */
export interface ChartSpec {
  option: ChartOption;
  height: number;
  description: string;
}

/** Colours with at least 4.5:1 contrast on white, told apart without relying on red/green alone. */
export const PALETTE = ['#0b5fa5', '#b35900', '#1f7a3a', '#7b3fa0', '#b3124e', '#00707a'];
const STAGE_COLOR: Record<FunnelStage, string> = {
  target: '#5a6470',
  sent: '#0b5fa5',
  received: '#00707a',
  displayed: '#7b3fa0',
  clicked: '#b35900',
};
const LOST_COLOR = '#b3124e';
const TEXT_COLOR = '#1d232a';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Microsoft YaHei", sans-serif';

const BASE = { textStyle: { fontFamily: FONT, color: TEXT_COLOR }, animation: false } as const;

/**
 * The funnel as horizontal bars, Target on top. The count sits at the end of each bar and the step
 * conversion under the stage name, so labels stay short enough for a phone screen.
 */
export function funnelChart(total: FunnelTotal): ChartSpec {
  const steps = funnelSteps(total);
  const conversion = (step: (typeof steps)[number]): string =>
    step.previous && step.stepRate !== null ? `${formatPct(step.stepRate)} of ${STAGE_LABEL[step.previous].toLowerCase()}` : '';
  const description = steps
    .map((step) => `${STAGE_LABEL[step.stage]}: ${formatInt(step.value)}${conversion(step) ? ` (${conversion(step)})` : ''}`)
    .join('; ');
  return {
    height: 250,
    description: `Funnel bar chart. ${description}.`,
    option: {
      ...BASE,
      // Room on the right for the count at the end of the longest bar (containLabel ignores series labels).
      grid: { left: 8, right: 96, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: 'item', valueFormatter: (value) => formatInt(typeof value === 'number' ? value : null) },
      // Every bar carries its exact count, so the value axis needs no labels.
      xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: {
        type: 'category',
        inverse: true,
        axisTick: { show: false },
        // A stage the vendor does not measure gets no bar (not a 0-length one) and says so under its name.
        data: steps.map((step) => {
          const note = step.value === null ? NOT_MEASURED : conversion(step);
          return note ? `${STAGE_LABEL[step.stage]}\n${note}` : STAGE_LABEL[step.stage];
        }),
        axisLabel: { lineHeight: 16 },
      },
      series: [
        {
          type: 'bar',
          name: 'Count',
          barMaxWidth: 28,
          // '-' is ECharts' missing value: nothing is drawn.
          data: steps.map((step) => ({ value: step.value ?? '-', itemStyle: { color: STAGE_COLOR[step.stage] } })),
          label: {
            show: true,
            position: 'right',
            color: TEXT_COLOR,
            formatter: (params) => {
              const step = steps[params.dataIndex];
              return formatInt(step?.value);
            },
          },
        },
      ],
    },
  };
}

/** Per channel: received and not received, stacked, so the channel that loses most stands out. */
export function channelChart(totals: readonly ChannelTotal[]): ChartSpec {
  const rows = totals.filter((row) => row.received !== null || row.notReceived !== null);
  const names = rows.map((row) => `${channelLabel(row.channel)} · ${platformLabel(row.platform)}`);
  const description = rows
    .map(
      (row, i) =>
        `${names[i]}: ${formatInt(row.received)} received, ${formatInt(row.notReceived)} not received (${formatPct(row.deliveryRate)} delivered)`,
    )
    .join('; ');
  return {
    height: Math.max(140, 60 + rows.length * 38),
    description: rows.length ? `Stacked bar chart of deliveries per channel, worst first. ${description}.` : 'No channel figures.',
    option: {
      ...BASE,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value) => formatInt(typeof value === 'number' ? value : null),
      },
      xAxis: { type: 'value', axisLabel: { hideOverlap: true, formatter: (value: number) => formatInt(value) } },
      // Long channel names wrap instead of taking the chart's width on a phone.
      yAxis: {
        type: 'category',
        inverse: true,
        data: names,
        axisTick: { show: false },
        axisLabel: { width: 120, overflow: 'break', lineHeight: 15 },
      },
      series: [
        {
          type: 'bar',
          name: 'Received',
          stack: 'handed',
          barMaxWidth: 22,
          itemStyle: { color: STAGE_COLOR.received },
          data: rows.map((row) => row.received ?? 0),
        },
        {
          type: 'bar',
          name: 'Not received',
          stack: 'handed',
          barMaxWidth: 22,
          itemStyle: { color: LOST_COLOR },
          data: rows.map((row) => row.notReceived ?? 0),
        },
      ],
    },
  };
}

/** Share of target at each stage, one bar group per stage and one colour per vendor. */
export function vendorComparisonChart(byVendor: ReadonlyArray<{ vendor: Vendor; app: string; total: FunnelTotal }>): ChartSpec {
  const stages = FUNNEL_STAGES.filter((stage) => stage !== 'target');
  const shares = byVendor.map(({ vendor, app, total }) => {
    const steps = funnelSteps(total);
    return {
      label: vendorAppLabel(vendor, app),
      values: stages.map((stage) => steps.find((step) => step.stage === stage)?.targetRate ?? null),
    };
  });
  const description = shares
    .map(
      ({ label, values }) =>
        `${label}: ${stages.map((stage, i) => `${STAGE_LABEL[stage].toLowerCase()} ${formatPct(values[i])}`).join(', ')}`,
    )
    .join('; ');
  return {
    height: 260,
    description: `Bar chart of each stage as a share of target, per vendor. ${description}.`,
    option: {
      ...BASE,
      color: PALETTE,
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (value) => formatPct(typeof value === 'number' ? value : null),
      },
      // Four short stage names: show every one, even on a phone.
      xAxis: { type: 'category', data: stages.map((stage) => STAGE_LABEL[stage]), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: (value: number) => formatPct(value) } },
      series: shares.map(({ label, values }) => ({ type: 'bar', name: label, barMaxWidth: 26, data: values })),
    },
  };
}

/** The archive's snapshots over time: one line per funnel stage the vendor reports. */
export function curveChart(points: readonly CurvePoint[]): ChartSpec {
  const stages = FUNNEL_STAGES.filter((stage) => stage !== 'target' && points.some((point) => point.values[stage] !== null));
  const last = points.at(-1);
  const description = last
    ? `${points.length} snapshots from ${formatDateTime(points[0]!.time)} to ${formatDateTime(last.time)}; latest: ${stages
        .map((stage) => `${STAGE_LABEL[stage].toLowerCase()} ${formatInt(last.values[stage])}`)
        .join(', ')}`
    : 'no snapshots';
  return {
    height: 260,
    description: `Line chart of the delivery over time: ${description}.`,
    option: {
      ...BASE,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (value) => formatInt(typeof value === 'number' ? value : null) },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', axisLabel: { formatter: (value: number) => formatInt(value) } },
      series: stages.map((stage) => ({
        type: 'line',
        name: STAGE_LABEL[stage],
        step: 'end',
        showSymbol: points.length < 40,
        itemStyle: { color: STAGE_COLOR[stage] },
        lineStyle: { color: STAGE_COLOR[stage] },
        data: points.map((point) => [point.time, point.values[stage]]),
      })),
    },
  };
}
