// The last pass of a PDF: qpdf reads what the C pass wrote (half a megabyte for the sample
// calendar: its photos are stand-ins) and writes it again into the output, each photo's
// stand-in filled from its bytes in memory as the file is written (a JPEG's without its
// metadata, a PNG's IDAT data). No copy of the photos goes through cairo, a scratch file,
// qpdf's input or a pipe. The C++ part of the pdf module: stream-data providers and output
// pipelines have no C interface in qpdf 11.
#define POINTERHOLDER_TRANSITION 4 // qpdf 11: std::shared_ptr only, no PointerHolder
#include "pdf/standins.h"
extern "C" {
#include "image/pngpass.h"
#include "image/standin.h"
}

#include <qpdf/Buffer.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace
{

// A photo's data without its metadata (img->data), from memory, each time qpdf asks for it
// (qpdf copies it into a buffer of its own to learn its length before writing it).
class Photo : public QPDFObjectHandle::StreamDataProvider
{
  public:
    explicit Photo(const cp_image *img) : img_(img)
    {
    }
    void provideStreamData(QPDFObjGen const &, Pipeline *p) override
    {
        p->write(img_->data, img_->len);
        p->finish();
    }

  private:
    const cp_image *img_;
};

// The output: every byte but the last kTail goes to the sink as it comes; the tail, which holds
// the trailer, gets calpress's ID in place of the static one in close. After a failed write
// it takes the rest and drops it, so that qpdf finishes and the failure is reported once.
class Out : public Pipeline
{
  public:
    Out(const char *id_hex, cp_pdf_fill_sink sink, void *ctx, cp_diags *d)
        : Pipeline("calpress output", nullptr), id_hex_(id_hex), sink_(sink), ctx_(ctx), d_(d)
    {
    }
    // Keeps the last kTail bytes; the rest goes out in pieces of at least kChunk (qpdf writes a
    // few bytes at a time, and a stream's data at once, which this buffer does not copy).
    void write(unsigned char const *data, size_t len) override
    {
        const char *p = reinterpret_cast<const char *>(data);
        if (buf_.size() + len < kTail + kChunk) {
            buf_.append(p, len);
            return;
        }
        size_t out = buf_.size() + len - kTail;
        if (out <= buf_.size()) {
            put(buf_.data(), out);
            buf_.erase(0, out);
            buf_.append(p, len);
            return;
        }
        put(buf_.data(), buf_.size());
        put(p, out - buf_.size());
        buf_.assign(p + (out - buf_.size()), kTail);
    }
    // qpdf calls finish whenever a stream's data ends (a provider finishes its pipeline, and
    // that reaches the output): nothing to do before close.
    void finish() override
    {
    }
    // After the last byte: the tail, with the ID in place, goes out.
    void close()
    {
        static const std::string stat = "<" CP_PDF_STATIC_ID ">";
        size_t at = buf_.rfind(stat);
        if (at == std::string::npos) {
            if (ok_)
                cp_error(d_, cp_pos{nullptr, 0, 0}, "qpdf wrote no document ID into the PDF");
            ok_ = false;
            return;
        }
        buf_.replace(at + 1, 32, id_hex_, 32);
        put(buf_.data(), buf_.size());
        buf_.clear();
    }
    bool ok() const
    {
        return ok_;
    }

  private:
    static constexpr size_t kTail = 4096, kChunk = 256 * 1024;
    void put(const char *data, size_t len)
    {
        if (ok_ && len && !sink_(ctx_, data, len, d_))
            ok_ = false;
    }
    const char *id_hex_;
    cp_pdf_fill_sink sink_;
    void *ctx_;
    cp_diags *d_;
    std::string buf_;
    bool ok_ = true;
};

bool is_name(QPDFObjectHandle o, const char *name)
{
    return o.isName() && o.getName() == name;
}

// A PNG photo's IDAT data (pngswap.c made its dictionary), chunk after chunk from its bytes.
// An exception of the pipeline's is carried over the C frames of cp_png_idat_each, not through
// them.
class PngData : public QPDFObjectHandle::StreamDataProvider
{
  public:
    explicit PngData(const cp_image *img) : img_(img)
    {
    }
    void provideStreamData(QPDFObjGen const &, Pipeline *p) override
    {
        Feed feed{p, nullptr};
        size_t n = cp_png_idat_each(img_, write_to, &feed);
        if (feed.error)
            std::rethrow_exception(feed.error);
        if (n == 0)
            throw std::runtime_error(std::string("photo '") + img_->name + "' has no PNG data");
        p->finish();
    }

  private:
    struct Feed {
        Pipeline *p;
        std::exception_ptr error;
    };
    static void write_to(void *ctx, const unsigned char *data, size_t len)
    {
        Feed *f = static_cast<Feed *>(ctx);
        if (f->error)
            return;
        try {
            f->p->write(data, len);
        } catch (...) {
            f->error = std::current_exception();
        }
    }
    const cp_image *img_;
};

// Fills every photo's stand-in of pdf: a JPEG's under /DCTDecode, a PNG's under /FlateDecode
// (its dictionary made by pngswap.c). Any other image stream that carries a stand-in's tag is
// counted as left.
cp_pdf_fill_result fill(QPDF &pdf, const cp_pdf_photos *ph)
{
    cp_pdf_fill_result r = {0, 0};
    for (auto &obj : pdf.getAllObjects()) {
        if (!obj.isStream())
            continue;
        QPDFObjectHandle dict = obj.getDict();
        QPDFObjectHandle len = dict.getKey("/Length");
        if (!is_name(dict.getKey("/Subtype"), "/Image") || !len.isInteger() ||
            len.getIntValue() > CP_PDF_STANDIN_MAX)
            continue;
        std::shared_ptr<Buffer> data = obj.getRawStreamData();
        const unsigned char *b = data->getBuffer();
        size_t n = data->getSize();
        uint64_t key;
        bool jpeg_tag = cp_standin_key(b, n, CP_STANDIN_JPEG, &key);
        bool png_tag = !jpeg_tag && cp_standin_key(b, n, CP_STANDIN_PNG, &key);
        if (!jpeg_tag && !png_tag)
            continue;
        QPDFObjectHandle filter = dict.getKey("/Filter");
        const cp_image *img =
            cp_pdf_photos_find(ph, b, n, jpeg_tag ? CP_STANDIN_JPEG : CP_STANDIN_PNG);
        if (img && jpeg_tag && is_name(filter, "/DCTDecode")) {
            obj.replaceStreamData(std::make_shared<Photo>(img), filter,
                                  QPDFObjectHandle::newNull());
            r.filled++;
        } else if (img && png_tag && is_name(filter, "/FlateDecode")) {
            obj.replaceStreamData(std::make_shared<PngData>(img), filter,
                                  dict.getKey("/DecodeParms"));
            r.filled++;
        } else {
            r.left++;
        }
    }
    return r;
}

} // namespace

extern "C" bool cp_pdf_fill_standins(const char *pdf, size_t len, const char *path,
                                     const cp_pdf_photos *ph, const char id_hex[33],
                                     cp_pdf_fill_sink sink, void *ctx, cp_pdf_fill_result *out,
                                     cp_diags *d)
{
    *out = cp_pdf_fill_result{0, 0};
    const char *what = "cannot write the PDF";
    try {
        QPDF q;
        q.setSuppressWarnings(true);
        q.setAttemptRecovery(false);
        if (path)
            q.processFile(path);
        else
            q.processMemoryFile("calpress's PDF", pdf, len);
        *out = fill(q, ph);
        Out o(id_hex, sink, ctx, d);
        QPDFWriter w(q);
        w.setOutputPipeline(&o);
        w.setStaticID(true);
        w.setObjectStreamMode(qpdf_o_disable);
        w.setStreamDataMode(qpdf_s_preserve);
        w.forcePDFVersion("1.6");
        w.write();
        o.close();
        return o.ok();
    } catch (std::exception &e) {
        cp_error(d, cp_pos{nullptr, 0, 0}, "%s: %s", what, e.what());
    } catch (...) {
        cp_error(d, cp_pos{nullptr, 0, 0}, "%s: an unknown failure in qpdf", what);
    }
    return false;
}
