/** The package ships plain JavaScript: its one export, the words by frequency in Wikipedia text. */
declare module "popular-english-words/words.js" {
  export const words: string[];
}
