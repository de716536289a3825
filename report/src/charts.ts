// ECharts on the page: only the chart types and components the report uses (tree-shaken by
// esbuild), drawn as SVG so text stays sharp at any zoom.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec } from './chart-options.js';
import { h } from './dom.js';

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/**
 * A labelled chart: a <figure> with a caption and a role="img" box whose aria-label reads the
 * figures. ECharts starts only once the box has a size, which also keeps charts in closed
 * <details> (campaign cards of a large selection) from costing anything until opened.
 */
export class ChartView {
  readonly root: HTMLElement;
  private readonly box: HTMLDivElement;
  private readonly observer: ResizeObserver;
  private chart: ECharts | undefined;
  private spec: ChartSpec | undefined;

  constructor(caption: string) {
    this.box = h('div', { class: 'chart-box', role: 'img' });
    this.root = h('figure', { class: 'chart' }, h('figcaption', {}, caption), this.box);
    this.observer = new ResizeObserver(() => {
      if (this.chart) this.chart.resize();
      else this.draw();
    });
    this.observer.observe(this.box);
  }

  update(spec: ChartSpec): void {
    this.spec = spec;
    this.box.setAttribute('aria-label', spec.description);
    this.box.style.height = `${spec.height}px`;
    if (this.chart) this.chart.setOption(spec.option, { notMerge: true });
    else this.draw();
  }

  private draw(): void {
    if (!this.spec || this.box.clientWidth === 0) return;
    // role="img" makes the drawing presentational: assistive technology reads the aria-label.
    this.chart = init(this.box, undefined, { renderer: 'svg' });
    this.chart.setOption(this.spec.option);
  }

  dispose(): void {
    this.observer.disconnect();
    this.chart?.dispose();
    this.chart = undefined;
  }
}
