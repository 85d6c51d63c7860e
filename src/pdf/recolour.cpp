// Content-stream rewriting with qpdf's tokenizer: cairo's DeviceRGB colours become DeviceCMYK
// inks, and black text overprints. The only C++ in calpress: qpdf's tokenizer has no C API.
#define POINTERHOLDER_TRANSITION 4 // qpdf 11: std::shared_ptr only, no PointerHolder
#include "pdf/recolour.h"

#include <qpdf/BufferInputSource.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace
{

typedef QPDFTokenizer::Token Token;

enum class Space { gray, rgb, cmyk, other };

// The part of the graphics state the rewrite follows; q and Q save and restore it.
struct State {
    Space fill = Space::gray, stroke = Space::gray;
    bool black_fill = false; // the fill colour is 100 % black ink alone
    bool overprint = false;  // the overprint ExtGState is in force
};

struct Failure {
    std::string what;
};

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    std::string s(buf);
    while (!s.empty() && s.back() == '0')
        s.pop_back();
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s == "-0" || s.empty() ? "0" : s;
}

bool is_number(Token const &t)
{
    return t.getType() == QPDFTokenizer::tt_integer || t.getType() == QPDFTokenizer::tt_real;
}

class Recolourer
{
  public:
    explicit Recolourer(cp_recolour *r) : rc(r)
    {
    }

    std::string run(std::string const &in)
    {
        auto is = std::make_shared<BufferInputSource>("content stream", in);
        QPDFTokenizer tok;
        tok.allowEOF();
        tok.includeIgnorable();
        for (;;) {
            Token t = tok.readToken(is, "content stream", true);
            switch (t.getType()) {
            case QPDFTokenizer::tt_eof:
                flush();
                return out;
            case QPDFTokenizer::tt_bad:
                throw Failure{"cannot read cairo's content stream: " + t.getErrorMessage()};
            case QPDFTokenizer::tt_word:
                op(t);
                if (t.getValue() == "ID")
                    inline_image(tok, is);
                break;
            default:
                pending.push_back(t);
            }
        }
    }

  private:
    cp_recolour *rc;
    std::string out;
    std::vector<Token> pending; // operands (and the space between them) of the next operator
    std::vector<State> saved;
    State st;

    void flush()
    {
        for (auto const &t : pending)
            out += t.getRawValue();
        pending.clear();
    }

    // The numeric operands before the operator, when there are exactly n of them.
    bool numbers(size_t n, std::vector<double> &v)
    {
        v.clear();
        for (auto const &t : pending) {
            if (t.getType() == QPDFTokenizer::tt_space || t.getType() == QPDFTokenizer::tt_comment)
                continue;
            if (!is_number(t))
                return false;
            v.push_back(std::strtod(t.getValue().c_str(), nullptr));
        }
        return v.size() == n;
    }

    std::string leading_space() const
    {
        if (!pending.empty() && pending.front().getType() == QPDFTokenizer::tt_space)
            return pending.front().getRawValue();
        return "";
    }

    // Operands r g b -> "c m y k" (and whether it is black ink alone).
    std::string inks(std::vector<double> const &rgb, bool &black)
    {
        double key[3] = {rgb[0], rgb[1], rgb[2]}, ink[4];
        black = false;
        if (!rc->ink(rc->ctx, key, ink, &black))
            throw Failure{"cairo wrote the colour " + number(rgb[0]) + " " + number(rgb[1]) + " " +
                          number(rgb[2]) + ", which is none of the colours calpress drew"};
        return number(ink[0]) + " " + number(ink[1]) + " " + number(ink[2]) + " " + number(ink[3]);
    }

    // The switch goes before the operands, never between them and the operator.
    void set_overprint(bool on)
    {
        if (st.overprint == on)
            return;
        out += leading_space();
        if (!pending.empty() && pending.front().getType() == QPDFTokenizer::tt_space)
            pending.erase(pending.begin());
        if (!out.empty() && out.back() != ' ' && out.back() != '\n')
            out += ' ';
        out += std::string(on ? rc->overprint_gs : rc->knockout_gs) + " gs\n";
        rc->used_overprint = true;
        st.overprint = on;
    }

    static Space space_of(std::string const &name)
    {
        if (name == "/DeviceRGB")
            return Space::rgb;
        if (name == "/DeviceCMYK")
            return Space::cmyk;
        if (name == "/DeviceGray")
            return Space::gray;
        return Space::other;
    }

    // A colour operator in DeviceRGB: rewritten; true when it was one.
    bool colour(std::string const &o)
    {
        bool fill = o == "rg" || o == "sc" || o == "scn";
        bool stroke = o == "RG" || o == "SC" || o == "SCN";
        bool set_space = o == "rg" || o == "RG";
        Space sp = fill ? st.fill : st.stroke;
        std::vector<double> v;
        if (!(fill || stroke) || (!set_space && sp != Space::rgb) || !numbers(3, v))
            return false;
        bool black;
        std::string k = inks(v, black);
        out += leading_space();
        pending.clear();
        if (set_space)
            out += k + (fill ? " k" : " K");
        else
            out += k + " " + o;
        if (fill) {
            st.fill = set_space ? Space::cmyk : st.fill;
            st.black_fill = black;
        } else if (set_space) {
            st.stroke = Space::cmyk;
        }
        return true;
    }

    // cs / CS: /DeviceRGB becomes /DeviceCMYK, whose colours the sc operators then give.
    void colour_space(std::string const &o)
    {
        std::string name;
        for (auto const &t : pending)
            if (t.getType() == QPDFTokenizer::tt_name)
                name = t.getValue();
        Space sp = space_of(name);
        if (sp == Space::rgb) {
            out += leading_space();
            pending.clear();
            out += "/DeviceCMYK " + o;
        } else {
            flush();
            out += o;
        }
        (o == "cs" ? st.fill : st.stroke) = sp;
        if (o == "cs")
            st.black_fill = false;
    }

    void op(Token const &t)
    {
        std::string const &o = t.getValue();
        if (colour(o))
            return;
        if (o == "cs" || o == "CS") {
            colour_space(o);
            return;
        }
        bool text = o == "Tj" || o == "TJ" || o == "'" || o == "\"";
        bool paint = text || o == "f" || o == "F" || o == "f*" || o == "B" || o == "B*" ||
                     o == "b" || o == "b*" || o == "S" || o == "s" || o == "sh" || o == "Do" ||
                     o == "BI";
        if (paint)
            set_overprint(text && st.fill == Space::cmyk && st.black_fill);
        flush();
        out += o;
        if (o == "q") {
            saved.push_back(st);
        } else if (o == "Q" && !saved.empty()) {
            st = saved.back();
            saved.pop_back();
        } else if (o == "g" || o == "k" || o == "sc" || o == "scn") {
            if (o != "sc" && o != "scn")
                st.fill = o == "g" ? Space::gray : Space::cmyk;
            st.black_fill = false;
        } else if (o == "G" || o == "K") {
            st.stroke = o == "G" ? Space::gray : Space::cmyk;
        }
    }

    // After ID: one white-space byte, the image data, then EI (read as a word as usual).
    void inline_image(QPDFTokenizer &tok, std::shared_ptr<InputSource> const &is)
    {
        char ch;
        if (is->read(&ch, 1) == 1)
            out += ch;
        tok.expectInlineImage(is);
        Token data = tok.readToken(is, "content stream", true);
        if (data.getType() != QPDFTokenizer::tt_inline_image)
            throw Failure{"cannot read an inline image in cairo's content stream"};
        out += data.getRawValue();
    }
};

} // namespace

extern "C" unsigned char *cp_recolour_content(const unsigned char *in, size_t len, cp_recolour *rc,
                                              size_t *out_len, char *err, size_t errlen)
{
    try {
        Recolourer r(rc);
        std::string text = r.run(std::string(reinterpret_cast<const char *>(in), len));
        auto *out = static_cast<unsigned char *>(std::malloc(text.size() + 1));
        if (!out)
            throw std::bad_alloc();
        std::memcpy(out, text.data(), text.size());
        out[text.size()] = '\0';
        *out_len = text.size();
        return out;
    } catch (Failure const &f) {
        std::snprintf(err, errlen, "%s", f.what.c_str());
    } catch (std::exception const &e) {
        std::snprintf(err, errlen, "cannot rewrite a content stream: %s", e.what());
    }
    return nullptr;
}

extern "C" unsigned char *cp_recolour_flate(const unsigned char *in, size_t len, size_t *out_len)
{
    try {
        Pl_Buffer buf("recoloured");
        Pl_Flate flate("recoloured", &buf, Pl_Flate::a_deflate);
        flate.write(in, len);
        flate.finish();
        unsigned char *data = nullptr;
        buf.getMallocBuffer(&data, out_len);
        if (!data) {
            data = static_cast<unsigned char *>(std::malloc(1));
            *out_len = 0;
        }
        return data;
    } catch (std::exception const &) {
        return nullptr;
    }
}
