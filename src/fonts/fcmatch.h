/* Internal to the fonts layer: fontconfig's best matches kept between runs (fcmatch.c). */
#ifndef CP_FONTS_FCMATCH_H
#define CP_FONTS_FCMATCH_H

/* Writes the matches fontconfig made in this process that the cache file lacks. Failure to
 * write is silent: the next run matches again. */
void cp_fonts_match_memo_store(void);

#endif
