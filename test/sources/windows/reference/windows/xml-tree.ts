/** The `<Event>` tree, for the frozen reference copy (see ../README.md). */
export { childElement, type XmlElement, type XmlNode } from '../../../../../src/sources/windows/xml-tree.js';
