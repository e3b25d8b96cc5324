export * from './richtext.ops';
export * from './richtext.view';
export * from './richtext.paste';
