// The mood chart of the journal page: one point per entry with a mood, at the time it was written.
// Drawn by uPlot (bundled from its WebJar under /static/vendor/uplot/, so nothing comes from another
// site); uPlot styles its elements through element.style, which the page's Content-Security-Policy
// allows (it blocks only inline <style> and style="" attributes). The same points are listed in a
// table under the chart, for screen readers and for anyone who wants the numbers.
// Moods are stored in the clear (only the text is encrypted; docs/security.md, "Metadata"): the chart
// also shows the moods of entries this password does not open.

import uPlot from './vendor/uplot/uPlot.esm.js';

const HEIGHT = 220;
const DAY = 24 * 60 * 60 * 1000;
/** The accent colour of style.css: the canvas cannot read CSS variables. */
const LINE = '#3b7a6b';
const GRID = '#d9dcd6';
const TEXT = '#5d6663';

/** A colour of the page's theme (style.css, light or dark as the system says), or the light one. */
function themed(property, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(property).trim();
  return value || fallback;
}

/**
 * The points to draw from wire entries: those with a mood of 1 to 5 and a readable created_at,
 * oldest first (uPlot needs ascending x).
 * @returns {{times: number[], moods: number[]}} times in milliseconds since 1970
 */
export function moodPoints(entries) {
  const points = [];
  for (const entry of entries) {
    const time = Date.parse(entry.created_at);
    if (Number.isInteger(entry.mood) && entry.mood >= 1 && entry.mood <= 5 && !Number.isNaN(time)) {
      points.push([time, entry.mood]);
    }
  }
  points.sort((a, b) => a[0] - b[0]);
  return { times: points.map((p) => p[0]), moods: points.map((p) => p[1]) };
}

/**
 * One point alone (or several at one instant) is centred in a day; uPlot itself would pin it to the left
 * edge of a span it computes in the wrong unit for millisecond times.
 */
function centredWhenOneInstant(times, min, max) {
  if (times.length > 0 && times[0] === times[times.length - 1]) {
    return [times[0] - DAY / 2, times[0] + DAY / 2];
  }
  return [min, max];
}

/** The chart in #mood-chart, its table in #mood-table and the note #mood-empty. */
export class MoodChart {
  #plot = null;
  #resize = null;
  #moods;
  #formatTime;
  #el;

  /**
   * @param moods labels by mood, {1: 'very low', …}
   * @param formatTime how the page writes a time
   * @param el the page's element maker (text goes in as text only)
   */
  constructor(moods, formatTime, el) {
    this.#moods = moods;
    this.#formatTime = formatTime;
    this.#el = el;
  }

  /** Draws these entries' moods, replacing what was drawn. */
  show(entries) {
    const { times, moods } = moodPoints(entries);
    const box = document.getElementById('mood-chart');
    box.dataset.points = String(times.length);
    document.getElementById('mood-empty').hidden = times.length > 0;
    document.getElementById('mood-details').hidden = times.length === 0;
    this.#table(times, moods);
    if (times.length === 0) {
      this.clear();
      box.dataset.points = '0';
      return;
    }
    if (this.#plot) {
      this.#plot.setData([times, moods]);
      return;
    }
    this.#plot = new uPlot(this.#options(box), [times, moods], box);
    this.#resize = new ResizeObserver(() => {
      if (this.#plot && box.clientWidth > 0) {
        this.#plot.setSize({ width: box.clientWidth, height: HEIGHT });
      }
    });
    this.#resize.observe(box);
  }

  /** Removes the chart and its table (the journal was locked). */
  clear() {
    if (this.#resize) {
      this.#resize.disconnect();
      this.#resize = null;
    }
    if (this.#plot) {
      this.#plot.destroy();
      this.#plot = null;
    }
    const box = document.getElementById('mood-chart');
    box.replaceChildren();
    delete box.dataset.points;
    document.querySelector('#mood-table tbody').replaceChildren();
  }

  #label(mood) {
    return mood + ' \u00b7 ' + this.#moods[mood];
  }

  #options(box) {
    const line = themed('--accent', LINE);
    const grid = themed('--line', GRID);
    const axis = { stroke: themed('--muted', TEXT), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      width: Math.max(box.clientWidth, 200),
      height: HEIGHT,
      ms: 1,
      cursor: { drag: { x: false, y: false }, points: { size: 10 } },
      scales: {
        x: { time: true, range: (u, min, max) => centredWhenOneInstant(u.data[0], min, max) },
        mood: { auto: false, range: [0.5, 5.5] },
      },
      axes: [
        axis,
        {
          ...axis,
          scale: 'mood',
          size: 40,
          splits: () => [1, 2, 3, 4, 5],
          values: (u, splits) => splits.map((v) => String(v)),
        },
      ],
      series: [
        { label: 'Written', value: (u, v) => (v === null || v === undefined ? '\u2013' : this.#formatTime(v)) },
        {
          label: 'Mood',
          scale: 'mood',
          stroke: line,
          width: 2,
          points: { show: true, size: 7, stroke: line, fill: line },
          value: (u, v) => (v === null || v === undefined ? '\u2013' : this.#label(v)),
        },
      ],
    };
  }

  #table(times, moods) {
    const rows = times.map((time, i) => this.#el('tr', {}, [
      this.#el('td', { text: this.#formatTime(time) }),
      this.#el('td', { className: 'mood-' + moods[i], text: this.#label(moods[i]) }),
    ]));
    document.querySelector('#mood-table tbody').replaceChildren(...rows);
  }
}
