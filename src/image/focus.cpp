/* Photo analysis with OpenCV: faces (a cascade detector from opencv-data), a smartcrop-style
 * saliency map, and a test for photos enlarged from a smaller original. The C interface is in
 * focus.h; nothing here throws past it. */
#include "image/focus.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace
{

/* The saliency map is computed at this long side: fine enough for edges, coarse enough that
 * film grain and JPEG noise average away. */
const int SALIENCY_SIDE = 256;
/* Tiles of the enlargement test, in full-resolution pixels. */
const int TILE = 64;
/* A tile counts when its band below half the Nyquist frequency has this much energy (grey
 * levels squared a pixel): flat sky and smooth gradients say nothing about enlargement. */
const double TEXTURE_MIN = 4.0;
/* Below this sharpness (high band over mid band, the median of the most textured
 * tiles) a photo has no detail finer than about 2 pixels: sharp photos measure 0.3 and more,
 * photos scaled up 2x about 0.07, 3x about 0.03. */
const double UPSCALED_BELOW = 0.15;
const int UPSCALED_MIN_TILES = 8;

cv::Mat upright(const cv::Mat &m, int orientation)
{
    cv::Mat out;
    switch (orientation) {
    case 2:
        cv::flip(m, out, 1);
        break;
    case 3:
        cv::rotate(m, out, cv::ROTATE_180);
        break;
    case 4:
        cv::flip(m, out, 0);
        break;
    case 5:
        cv::transpose(m, out);
        break;
    case 6:
        cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE);
        break;
    case 7: {
        cv::Mat t;
        cv::transpose(m, t);
        cv::flip(t, out, -1);
        break;
    }
    case 8:
        cv::rotate(m, out, cv::ROTATE_90_COUNTERCLOCKWISE);
        break;
    default:
        out = m;
        break;
    }
    return out;
}

cv::Mat scaled_to(const cv::Mat &m, int side)
{
    double k = (double)side / std::max(m.cols, m.rows);
    if (k >= 1)
        return m;
    cv::Mat out;
    cv::resize(m, out, cv::Size(), k, k, cv::INTER_AREA);
    return out;
}

/* Faces, largest first, as fractions of the picture. */
void find_faces(const cv::Mat &grey, const char *cascade, cp_focus *out)
{
    out->detector = false;
    if (!cascade)
        return;
    cv::CascadeClassifier cc;
    if (!cc.load(cascade))
        return;
    out->detector = true;
    cv::Mat small = scaled_to(grey, CP_FOCUS_SIDE);
    cv::equalizeHist(small, small);
    int min_side = std::max(24, (int)(std::min(small.cols, small.rows) * 0.03));
    std::vector<cv::Rect> found;
    cc.detectMultiScale(small, found, 1.1, 5, 0, cv::Size(min_side, min_side));
    /* A stable order whatever order the detector's threads found them in. */
    std::sort(found.begin(), found.end(), [](const cv::Rect &a, const cv::Rect &b) {
        if (a.area() != b.area())
            return a.area() > b.area();
        return a.y != b.y ? a.y < b.y : a.x < b.x;
    });
    for (const cv::Rect &r : found) {
        if (out->n_faces == CP_FOCUS_MAX_FACES)
            break;
        out->faces[out->n_faces++] =
            cp_box{(double)r.x / small.cols, (double)r.y / small.rows, (double)r.width / small.cols,
                   (double)r.height / small.rows};
    }
}

/* smartcrop's skin tone: a direction in RGB space, and a lightness range. */
float skin_score(float r, float g, float b, float light)
{
    float mag = std::sqrt(r * r + g * g + b * b);
    if (mag < 1e-4f || light < 0.2f || light > 0.95f)
        return 0;
    float rd = r / mag - 0.78f, gd = g / mag - 0.57f, bd = b / mag - 0.44f;
    float skin = 1 - std::sqrt(rd * rd + gd * gd + bd * bd);
    return skin > 0.8f ? (skin - 0.8f) / 0.2f : 0;
}

float saturation_score(float r, float g, float b, float light)
{
    float mx = std::max(r, std::max(g, b)), mn = std::min(r, std::min(g, b));
    if (light < 0.05f || light > 0.9f || mx == mn)
        return 0;
    float l = (mx + mn) / 2, d = mx - mn;
    float s = l > 0.5f ? d / (2 - mx - mn) : d / (mx + mn);
    return s > 0.4f ? (s - 0.4f) / 0.6f : 0;
}

/* Importance per pixel: edges of the lightness, skin tones and saturated colour, pooled into a
 * CP_FOCUS_MAP square grid (float, not normalised). */
cv::Mat saliency(const cv::Mat &rgb)
{
    cv::Mat small = scaled_to(rgb, SALIENCY_SIDE), f;
    small.convertTo(f, CV_32FC3, 1.0 / 255);
    cv::Mat light(f.size(), CV_32F), imp(f.size(), CV_32F);
    for (int y = 0; y < f.rows; y++) {
        const cv::Vec3f *p = f.ptr<cv::Vec3f>(y);
        float *lp = light.ptr<float>(y);
        for (int x = 0; x < f.cols; x++)
            lp[x] = 0.299f * p[x][0] + 0.587f * p[x][1] + 0.114f * p[x][2];
    }
    cv::Mat lap;
    cv::Laplacian(light, lap, CV_32F);
    for (int y = 0; y < f.rows; y++) {
        const cv::Vec3f *p = f.ptr<cv::Vec3f>(y);
        const float *lp = light.ptr<float>(y), *ep = lap.ptr<float>(y);
        float *ip = imp.ptr<float>(y);
        for (int x = 0; x < f.cols; x++) {
            float edge = std::min(1.0f, std::fabs(ep[x]) / 0.15f);
            float r = p[x][0], g = p[x][1], b = p[x][2];
            ip[x] = 0.6f * edge + 1.0f * skin_score(r, g, b, lp[x]) +
                    0.3f * saturation_score(r, g, b, lp[x]);
        }
    }
    cv::GaussianBlur(imp, imp, cv::Size(0, 0), 2.0);
    cv::Mat grid;
    cv::resize(imp, grid, cv::Size(CP_FOCUS_MAP, CP_FOCUS_MAP), 0, 0, cv::INTER_AREA);
    return grid;
}

/* The map as bytes, the region of most detail (the connected cells above half the peak around
 * it) and whether anything stands out at all. */
void describe_map(const cv::Mat &grid, cp_focus *out)
{
    double lo, hi;
    cv::Point peak;
    cv::minMaxLoc(grid, &lo, &hi, nullptr, &peak);
    double mean = cv::mean(grid)[0];
    out->flat = hi < 1e-6 || hi < 1.6 * mean;
    for (int y = 0; y < CP_FOCUS_MAP; y++)
        for (int x = 0; x < CP_FOCUS_MAP; x++) {
            double v = hi > 1e-9 ? grid.at<float>(y, x) / hi : 0;
            out->map[y * CP_FOCUS_MAP + x] = (unsigned char)std::lround(255 * v);
        }
    out->detail = cp_box{0, 0, 0, 0};
    if (out->flat)
        return;
    cv::Mat smooth, mask;
    cv::GaussianBlur(grid, smooth, cv::Size(3, 3), 0);
    cv::minMaxLoc(smooth, nullptr, &hi, nullptr, &peak);
    cv::threshold(smooth, mask, 0.5 * hi, 255, cv::THRESH_BINARY);
    mask.convertTo(mask, CV_8U);
    cv::Mat labels;
    cv::connectedComponents(mask, labels, 4);
    int want = labels.at<int>(peak);
    int x0 = CP_FOCUS_MAP, y0 = CP_FOCUS_MAP, x1 = -1, y1 = -1;
    for (int y = 0; y < CP_FOCUS_MAP; y++)
        for (int x = 0; x < CP_FOCUS_MAP; x++)
            if (labels.at<int>(y, x) == want) {
                x0 = std::min(x0, x), y0 = std::min(y0, y);
                x1 = std::max(x1, x), y1 = std::max(y1, y);
            }
    if (x1 >= 0)
        out->detail =
            cp_box{(double)x0 / CP_FOCUS_MAP, (double)y0 / CP_FOCUS_MAP,
                   (double)(x1 - x0 + 1) / CP_FOCUS_MAP, (double)(y1 - y0 + 1) / CP_FOCUS_MAP};
}

/* Spectral bands of a TILE x TILE tile: 1 for frequencies between a quarter and half of the
 * Nyquist frequency, 2 above half of it, 0 below. */
cv::Mat band_masks()
{
    cv::Mat bands(TILE, TILE, CV_8U);
    for (int v = 0; v < TILE; v++)
        for (int u = 0; u < TILE; u++) {
            double fu = (u < TILE / 2 ? u : u - TILE) / (double)TILE;
            double fv = (v < TILE / 2 ? v : v - TILE) / (double)TILE;
            double r = std::sqrt(fu * fu + fv * fv); /* cycles a pixel; Nyquist is 0.5 */
            bands.at<unsigned char>(v, u) = r > 0.25 ? 2 : r > 0.125 ? 1 : 0;
        }
    return bands;
}

/* Enlargement: each tile's power spectrum above half the Nyquist frequency against the octave
 * below it. A photo scaled up 2x or more has almost nothing up there, however sharp it looks;
 * a photo with real detail has a good part of the lower octave's energy (a natural picture's
 * power falls as 1/f^2, about equal per octave). Only the most textured tenth of the tiles
 * count: a soft background says nothing, the subject in focus does. Every other tile across
 * and down is enough to judge, at a quarter of the cost. */
void enlargement(const cv::Mat &grey, cp_focus *out)
{
    cv::Mat window, bands = band_masks(), t, spec;
    cv::createHanningWindow(window, cv::Size(TILE, TILE), CV_32F);
    std::vector<std::pair<double, double>> tiles; /* (mid-band energy, high over mid) */
    for (int ty = 0; ty + TILE <= grey.rows; ty += 2 * TILE)
        for (int tx = 0; tx + TILE <= grey.cols; tx += 2 * TILE) {
            grey(cv::Rect(tx, ty, TILE, TILE)).convertTo(t, CV_32F);
            t -= cv::mean(t)[0];
            t = t.mul(window);
            cv::dft(t, spec, cv::DFT_COMPLEX_OUTPUT);
            double e[3] = {0, 0, 0};
            for (int v = 0; v < TILE; v++) {
                const cv::Vec2f *sp = spec.ptr<cv::Vec2f>(v);
                const unsigned char *bp = bands.ptr<unsigned char>(v);
                for (int u = 0; u < TILE; u++)
                    e[bp[u]] += sp[u][0] * sp[u][0] + sp[u][1] * sp[u][1];
            }
            e[1] /= TILE * TILE * TILE * TILE;
            e[2] /= TILE * TILE * TILE * TILE;
            if (e[1] >= TEXTURE_MIN)
                tiles.emplace_back(e[1], e[2] / e[1]);
        }
    std::sort(tiles.begin(), tiles.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    tiles.resize(
        std::max<size_t>(std::min<size_t>(tiles.size(), UPSCALED_MIN_TILES), tiles.size() / 10));
    std::vector<double> ratios;
    for (const auto &tile : tiles)
        ratios.push_back(tile.second);
    std::sort(ratios.begin(), ratios.end());
    out->textured_tiles = (int)ratios.size();
    out->sharpness = ratios.empty() ? 0 : ratios[ratios.size() / 2];
    out->upscaled = out->textured_tiles >= UPSCALED_MIN_TILES && out->sharpness < UPSCALED_BELOW;
}

} // namespace

extern "C" bool cp_focus_module_analyse(const cp_focus_pixels *px, const char *cascade,
                                        cp_focus *out, char *err, size_t err_len)
{
    std::memset(out, 0, sizeof *out);
    int threads = cv::getNumThreads();
    try {
        /* One thread: the same answer on every run, and the other cores stay free. */
        cv::setNumThreads(1);
        cv::Mat stored(px->h, px->w, CV_8UC3, const_cast<unsigned char *>(px->rgb));
        cv::Mat pic = upright(stored, px->orientation), grey;
        out->width = px->full_w;
        out->height = px->full_h;
        if (px->orientation >= 5)
            std::swap(out->width, out->height);
        cv::cvtColor(pic, grey, cv::COLOR_RGB2GRAY);
        find_faces(grey, cascade, out);
        describe_map(saliency(pic), out);
        if (px->grey)
            enlargement(
                cv::Mat(px->full_h, px->full_w, CV_8UC1, const_cast<unsigned char *>(px->grey)),
                out);
        cv::setNumThreads(threads);
        return true;
    } catch (const std::exception &e) {
        cv::setNumThreads(threads);
        std::snprintf(err, err_len, "%s", e.what());
        return false;
    }
}
