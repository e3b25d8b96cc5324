import type { Shape, Stroke } from '@tandem/documents';
import { arrowHead, boundsOf, resizeTo, snapAngle, styleFor } from './geometry';

const style = { color: '#1e1e1e', fill: null, width: 2, opacity: 1 };
const shape = (over: Partial<Shape>): Shape => ({ id: 's', type: 'rectangle', z: 'a', x: 100, y: 100, width: 50, height: 40, rotation: 0, text: '', style, createdBy: null, ...over });
const stroke: Stroke = { id: 'k', type: 'stroke', z: 'a', x: 10, y: 20, points: [0, 0, 30, -10, 60, 20], scaleX: 1, scaleY: 1, style, createdBy: null };

describe('whiteboard geometry', () => {
  it('bounds lines of any direction and scaled strokes', () => {
    expect(boundsOf(shape({ type: 'arrow', width: -30, height: 20 }))).toEqual({ x: 70, y: 100, width: 30, height: 20 });
    expect(boundsOf(stroke)).toEqual({ x: 10, y: 10, width: 60, height: 30 });
    expect(boundsOf({ ...stroke, scaleX: 2, scaleY: 0.5 })).toEqual({ x: 10, y: 15, width: 120, height: 15 });
  });

  it('resizes from a corner keeping the opposite corner, flipping past it, never below the minimum size', () => {
    const s = shape({});
    expect(resizeTo(s, boundsOf(s), 'se', { x: 200, y: 180 })).toEqual({ x: 100, y: 100, width: 100, height: 80 });
    expect(resizeTo(s, boundsOf(s), 'nw', { x: 80, y: 90 })).toEqual({ x: 80, y: 90, width: 70, height: 50 });
    expect(resizeTo(s, boundsOf(s), 'se', { x: 90, y: 101 })).toEqual({ x: 90, y: 100, width: 10, height: 8 });
  });

  it('resizes a stroke by its scale with its origin moved so the opposite corner stays', () => {
    const r = resizeTo(stroke, boundsOf(stroke), 'nw', { x: -50, y: -20 });
    const after = { ...stroke, x: r.x, y: r.y, scaleX: r.width, scaleY: r.height };
    expect(boundsOf(after)).toEqual({ x: -50, y: -20, width: 120, height: 60 });
  });

  it('puts the arrowhead tip at the end and stops the shaft inside the head', () => {
    const { points, shaftEnd } = arrowHead({ x: 0, y: 0 }, { x: 100, y: 0 }, 4);
    expect(points.split(' ')[0]).toBe('100,0');
    expect(shaftEnd.x).toBeLessThan(100);
    expect(shaftEnd.x).toBeGreaterThan(80);
  });

  it('snaps a line to 15° steps and gives sticky notes paper of the ink colour', () => {
    expect(snapAngle({ x: 0, y: 0 }, { x: 100, y: 3 })).toEqual({ x: 100, y: 0 });
    expect(snapAngle({ x: 0, y: 0 }, { x: 50, y: 52 })).toEqual({ x: 51, y: 51 });
    expect(styleFor('sticky', '#e5484d', 4)).toEqual({ color: '#e5484d', fill: '#ffd9d9', width: 1 });
    expect(styleFor('rectangle', '#e5484d', 4)).toEqual({ color: '#e5484d', fill: '#e5484d22', width: 4 });
  });
});
