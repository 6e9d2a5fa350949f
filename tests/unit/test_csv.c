/* test_csv.c - core/csv.c: the RFC 4180 reader for delegate lists. */
#include "sounding.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum snd_err parse(const char *text, struct snd_csv *c, size_t *line, char *err,
                          size_t errlen)
{
	return snd_csv_parse(text, strlen(text), c, line, err, errlen);
}

START_TEST(test_csv_reads_header_rows_and_line_numbers)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("id,entity,region\nd1,France,EUR\nd2,Kenya,AFR\n", &c, &line, err,
	                       sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 3);
	ck_assert_uint_eq(c.rows[0].nfields, 3);
	ck_assert_str_eq(c.rows[0].fields[2], "region");
	ck_assert_str_eq(c.rows[2].fields[1], "Kenya");
	ck_assert_uint_eq(c.rows[0].line, 1);
	ck_assert_uint_eq(c.rows[2].line, 3);
	ck_assert_int_eq(snd_csv_column(&c, "entity"), 1);
	ck_assert_int_eq(snd_csv_column(&c, "nope"), -1);
	snd_csv_free(&c);
	snd_csv_free(NULL);
}
END_TEST

START_TEST(test_csv_handles_quotes_escapes_and_embedded_newlines)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,\"\"\n", &c,
	                       &line, err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 4);
	ck_assert_str_eq(c.rows[1].fields[0], "x, y");
	ck_assert_str_eq(c.rows[1].fields[1], "say \"hi\"");
	ck_assert_str_eq(c.rows[2].fields[0], "two\nlines");
	ck_assert_uint_eq(c.rows[2].line, 3);
	ck_assert_uint_eq(c.rows[3].line, 5); /* the quoted newline counts */
	ck_assert_str_eq(c.rows[3].fields[1], "");
	snd_csv_free(&c);
}
END_TEST

START_TEST(test_csv_accepts_crlf_lf_lone_cr_bom_and_no_final_newline)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("\xEF\xBB\xBFid,entity\r\nd1,France\rd2,Chile\nd3,Peru", &c, &line,
	                       err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 4);
	ck_assert_str_eq(c.rows[0].fields[0], "id"); /* BOM gone */
	ck_assert_str_eq(c.rows[1].fields[1], "France");
	ck_assert_str_eq(c.rows[2].fields[1], "Chile");
	ck_assert_str_eq(c.rows[3].fields[1], "Peru");
	ck_assert_uint_eq(c.rows[3].line, 4);
	snd_csv_free(&c);
}
END_TEST

START_TEST(test_csv_skips_empty_lines_and_keeps_trailing_empty_fields)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("a,b\n\n\r\nx,\n\n", &c, &line, err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 2);
	ck_assert_uint_eq(c.rows[1].line, 4);
	ck_assert_uint_eq(c.rows[1].nfields, 2);
	ck_assert_str_eq(c.rows[1].fields[1], "");
	snd_csv_free(&c);
	ck_assert_int_eq(parse("", &c, &line, err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 0);
	ck_assert_int_eq(snd_csv_column(&c, "id"), -1);
	snd_csv_free(&c);
}
END_TEST

START_TEST(test_csv_rejects_invalid_utf8_and_nul_with_line)
{
	struct snd_csv c = {NULL, 7, 'x'};
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("a,b\nx,y\nLatin-1 \xE9t\xE9,z\n", &c, &line, err, sizeof err),
	                 SND_EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_ptr_nonnull(strstr(err, "UTF-8"));
	ck_assert_uint_eq(c.nrows, 7); /* untouched */
	ck_assert_int_eq(c.sep, 'x');
	ck_assert_int_eq(snd_csv_parse("a,b\r\nx\0y,z\n", 12, &c, &line, err, sizeof err),
	                 SND_EINVAL);
	ck_assert_uint_eq(line, 2);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
	/* an overlong encoding of '/' and a surrogate */
	ck_assert_int_eq(parse("a\n\xC0\xAF\n", &c, &line, err, sizeof err), SND_EINVAL);
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(parse("a\n\xED\xA0\x80\n", &c, &line, err, sizeof err), SND_EINVAL);
}
END_TEST

START_TEST(test_csv_rejects_bad_quoting_with_line)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(parse("a,b\nx,\"never closed\ny,z\n", &c, &line, err, sizeof err),
	                 SND_EINVAL);
	ck_assert_uint_eq(line, 2); /* where the quote opened */
	ck_assert_ptr_nonnull(strstr(err, "never closed"));
	ck_assert_int_eq(parse("a,b\nx,y\nab\"c,d\n", &c, &line, err, sizeof err), SND_EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_int_eq(parse("a,b\n\"ab\"c,d\n", &c, &line, err, sizeof err), SND_EINVAL);
	ck_assert_uint_eq(line, 2);
	ck_assert_ptr_nonnull(strstr(err, "closing quote"));
}
END_TEST

START_TEST(test_csv_caps_fields_field_length_and_rows)
{
	struct snd_csv c;
	struct snd_buf b;
	char err[128];
	size_t line = 0, i;
	snd_buf_init(&b, 0);
	for (i = 0; i <= SND_CSV_MAX_FIELDS; i++)
		snd_buf_puts(&b, i ? ",x" : "x");
	ck_assert_int_eq(snd_csv_parse(b.data, b.len, &c, &line, err, sizeof err), SND_ETOOBIG);
	ck_assert_uint_eq(line, 1);
	snd_buf_reset(&b);
	snd_buf_puts(&b, "a\n\"");
	for (i = 0; i <= SND_CSV_MAX_FIELD_LEN; i++)
		snd_buf_putc(&b, 'y');
	snd_buf_puts(&b, "\"\n");
	ck_assert_int_eq(snd_csv_parse(b.data, b.len, &c, &line, err, sizeof err), SND_ETOOBIG);
	snd_buf_reset(&b);
	for (i = 0; i <= SND_CSV_MAX_ROWS; i++)
		snd_buf_puts(&b, "r\n");
	ck_assert_int_eq(snd_csv_parse(b.data, b.len, &c, &line, err, sizeof err), SND_ETOOBIG);
	ck_assert_uint_eq(line, SND_CSV_MAX_ROWS + 1);
	ck_assert_int_eq(snd_csv_parse(b.data, SND_CSV_MAX_BYTES + 1, &c, &line, err, sizeof err),
	                 SND_ETOOBIG);
	/* exactly at the row cap is fine */
	b.len -= 2;
	b.data[b.len] = '\0';
	ck_assert_int_eq(snd_csv_parse(b.data, b.len, &c, &line, err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, SND_CSV_MAX_ROWS);
	snd_csv_free(&c);
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_csv_roundtrips_what_snd_buf_csv_writes)
{
	static const char *const cells[] = {"plain", "with, comma", "say \"x\"", "two\nlines",
	                                    "", "semi;colon", "Ünïcödé 中文"};
	struct snd_buf b;
	struct snd_csv c;
	char err[128];
	size_t line = 0, i, n = sizeof cells / sizeof cells[0];
	snd_buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		snd_buf_csv(&b, cells[i]);
		snd_buf_puts(&b, i + 1 < n ? "," : "\r\n");
	}
	ck_assert_int_eq(snd_csv_parse(b.data, b.len, &c, &line, err, sizeof err), SND_OK);
	ck_assert_uint_eq(c.nrows, 1);
	ck_assert_uint_eq(c.rows[0].nfields, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(c.rows[0].fields[i], cells[i]);
	snd_csv_free(&c);
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_csv_reads_a_spreadsheet_semicolon_export_with_bom_and_crlf)
{
	/* What a spreadsheet in a French or German locale saves as "CSV":
	 * a BOM, ';' between cells, CRLF, commas inside cells, quoted ';'. */
	static const char text[] =
		"\xEF\xBB\xBFid;entity;region;note\r\n"
		"d1;France;EUR;1,5\r\n"
		"d2;\"Acme; Inc.\";AMS;\"say \"\"hi\"\"\"\r\n"
		"d3;C\xC3\xB4te d'Ivoire;AFR;\r\n";
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	ck_assert_int_eq(snd_csv_parse_sep(text, strlen(text), 0, &c, &line, err, sizeof err),
	                 SND_OK);
	ck_assert_int_eq(c.sep, ';');
	ck_assert_uint_eq(c.nrows, 4);
	ck_assert_uint_eq(c.rows[0].nfields, 4);
	ck_assert_str_eq(c.rows[0].fields[0], "id"); /* BOM gone */
	ck_assert_str_eq(c.rows[1].fields[3], "1,5");
	ck_assert_str_eq(c.rows[2].fields[1], "Acme; Inc.");
	ck_assert_str_eq(c.rows[2].fields[3], "say \"hi\"");
	ck_assert_str_eq(c.rows[3].fields[1], "C\xC3\xB4te d'Ivoire");
	ck_assert_str_eq(c.rows[3].fields[3], "");
	ck_assert_uint_eq(c.rows[3].line, 4);
	ck_assert_int_eq(snd_csv_column(&c, "region"), 2);
	snd_csv_free(&c);
	/* the same text read as ',' is one column per line, with the commas split */
	ck_assert_int_eq(parse("id;entity\nd1;France\n", &c, &line, err, sizeof err), SND_OK);
	ck_assert_int_eq(c.sep, ',');
	ck_assert_uint_eq(c.rows[0].nfields, 1);
	ck_assert_int_eq(snd_csv_column(&c, "id"), -1);
	snd_csv_free(&c);
}
END_TEST

START_TEST(test_csv_detects_tab_and_comma_from_the_header_only)
{
	struct snd_csv c;
	char err[128];
	size_t line = 0;
	const char *tsv = "id\tentity\tregion\nd1\tFrance, Republic of\tEUR\n";
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), 0, &c, &line, err, sizeof err), SND_OK);
	ck_assert_int_eq(c.sep, '\t');
	ck_assert_uint_eq(c.rows[1].nfields, 3);
	ck_assert_str_eq(c.rows[1].fields[1], "France, Republic of");
	snd_csv_free(&c);
	/* the first separator outside quotes decides: the quoted ';' does not */
	tsv = "\"a;b\",c;d\nx,y;z\n";
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), 0, &c, &line, err, sizeof err), SND_OK);
	ck_assert_int_eq(c.sep, ',');
	ck_assert_str_eq(c.rows[0].fields[0], "a;b");
	ck_assert_str_eq(c.rows[1].fields[1], "y;z");
	snd_csv_free(&c);
	/* empty lines before the header are skipped; a header without any
	 * separator is one column, and data rows do not change that */
	tsv = "\r\n\nid\nd1;x\n";
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), 0, &c, &line, err, sizeof err), SND_OK);
	ck_assert_int_eq(c.sep, ',');
	ck_assert_uint_eq(c.rows[1].nfields, 1);
	ck_assert_str_eq(c.rows[1].fields[0], "d1;x");
	ck_assert_uint_eq(c.rows[0].line, 3);
	snd_csv_free(&c);
	/* an explicit separator is used as given */
	tsv = "a;b,c\n";
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), ';', &c, &line, err, sizeof err),
	                 SND_OK);
	ck_assert_uint_eq(c.rows[0].nfields, 2);
	ck_assert_str_eq(c.rows[0].fields[1], "b,c");
	snd_csv_free(&c);
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), '|', &c, &line, err, sizeof err),
	                 SND_EINVAL);
	/* errors keep their lines with another separator */
	tsv = "id;entity\nd1;\"Fr\"ance\n";
	ck_assert_int_eq(snd_csv_parse_sep(tsv, strlen(tsv), 0, &c, &line, err, sizeof err),
	                 SND_EINVAL);
	ck_assert_uint_eq(line, 2);
	ck_assert_ptr_nonnull(strstr(err, "closing quote"));
}
END_TEST

static Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *t = tcase_create("reader");
	tcase_add_test(t, test_csv_reads_header_rows_and_line_numbers);
	tcase_add_test(t, test_csv_handles_quotes_escapes_and_embedded_newlines);
	tcase_add_test(t, test_csv_accepts_crlf_lf_lone_cr_bom_and_no_final_newline);
	tcase_add_test(t, test_csv_skips_empty_lines_and_keeps_trailing_empty_fields);
	tcase_add_test(t, test_csv_rejects_invalid_utf8_and_nul_with_line);
	tcase_add_test(t, test_csv_rejects_bad_quoting_with_line);
	tcase_add_test(t, test_csv_caps_fields_field_length_and_rows);
	tcase_add_test(t, test_csv_roundtrips_what_snd_buf_csv_writes);
	tcase_add_test(t, test_csv_reads_a_spreadsheet_semicolon_export_with_bom_and_crlf);
	tcase_add_test(t, test_csv_detects_tab_and_comma_from_the_header_only);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(csv_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
