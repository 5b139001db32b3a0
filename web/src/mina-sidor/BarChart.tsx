// The bar charts of Mina sidor (Fakturering's twelve months, Statistik's days): one bar per label,
// its parts stacked from the bottom, scaled to `top`; an SVG image named by the heading
// `labelledBy`, with its figures as a list under "summary" for whoever cannot see the bars.
import type { ComponentChildren } from "preact";

export interface Bar {
  key: string;
  /** Under the bar (a day's number, a month's). */
  label: string;
  /** From the bottom up: each part's value and its class modifier (`chart__bar--…`), if any. */
  parts: { value: number; modifier?: string }[];
}

const BASE = 95; // the bars' foot in the 110-high view box; the labels stand under it
const HEIGHT = 90; // the height of `top`

export function BarChart(props: {
  labelledBy: string;
  bars: Bar[];
  /** The value a full-height bar stands for (at least 1). */
  top: number;
  width: number;
  gap: number;
  summary: string;
  /** The figures as list items. */
  children: ComponentChildren;
}) {
  const { bars, width, gap } = props;
  const top = Math.max(1, props.top);
  return (
    <>
      <svg class="chart" viewBox={`0 0 ${bars.length * (width + gap)} 110`} role="img" aria-labelledby={props.labelledBy}>
        {bars.map((bar, i) => {
          let foot = BASE;
          return (
            <g key={bar.key}>
              {bar.parts.map((part, p) => {
                const height = Math.round((part.value / top) * HEIGHT);
                foot -= height;
                return (
                  <rect
                    key={p}
                    x={i * (width + gap)}
                    y={foot}
                    width={width}
                    height={height}
                    class={part.modifier ? `chart__bar chart__bar--${part.modifier}` : "chart__bar"}
                  />
                );
              })}
              <text x={i * (width + gap) + width / 2} y={108} text-anchor="middle" class="chart__label">
                {bar.label}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{props.summary}</summary>
        <ul>{props.children}</ul>
      </details>
    </>
  );
}
