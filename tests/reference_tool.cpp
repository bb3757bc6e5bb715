/* reference_tool: reads espm reference cases and smoothnmf results (serial HDF5).

     reference_tool options CASE.h5          prints the smoothnmf options that reproduce the case
     reference_tool compare CASE.h5 OUT.h5   checks OUT against the case's expected outputs:
                                             n_iter, stop_reason, every loss <= 1e-9 relative,
                                             W, H, GW <= 1e-7 (max abs diff / max abs reference)
     reference_tool same A.h5 B.h5 TOL       checks two results agree: n_iter, stop_reason, and
                                             losses, W, H, GW within TOL (relative as above)
     reference_tool attr FILE.h5 NAME        prints the numeric attribute NAME of / (first value)
   Exit status 0 when the check passes; every failed check is printed. */
#include <hdf5.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static bool Exists(hid_t f, const std::string &path)
{
  size_t pos = 0;
  while (true) {
    pos           = path.find('/', pos + 1);
    std::string p = path.substr(0, pos);
    if (p.size() > 1 && H5Lexists(f, p.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

static std::vector<double> ReadDataset(hid_t f, const std::string &path)
{
  hid_t               d  = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
  hid_t               sp = H5Dget_space(d);
  std::vector<double> v(H5Sget_simple_extent_npoints(sp));
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(sp);
  H5Dclose(d);
  return v;
}

static std::vector<double> ReadAttrNumbers(hid_t obj, const char *name)
{
  hid_t               a  = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t               sp = H5Aget_space(a);
  std::vector<double> v(H5Sget_simple_extent_npoints(sp));
  H5Aread(a, H5T_NATIVE_DOUBLE, v.data());
  H5Sclose(sp);
  H5Aclose(a);
  return v;
}

static std::string ReadAttrString(hid_t obj, const char *name)
{
  hid_t       a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t       t = H5Aget_type(a);
  std::string s;
  if (H5Tis_variable_str(t) > 0) {
    char *p  = nullptr;
    hid_t mt = H5Tget_native_type(t, H5T_DIR_ASCEND);
    H5Aread(a, mt, &p);
    s = p ? p : "";
    H5free_memory(p);
    H5Tclose(mt);
  } else {
    std::vector<char> buf(H5Tget_size(t) + 1, 0);
    H5Aread(a, t, buf.data());
    s = buf.data();
  }
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

static double MaxRel(const std::vector<double> &a, const std::vector<double> &b)
{
  double dmax = 0, ref = 0;
  for (size_t i = 0; i < a.size(); i++) {
    dmax = std::max(dmax, std::fabs(a[i] - b[i]));
    ref  = std::max(ref, std::fabs(b[i]));
  }
  return ref > 0 ? dmax / ref : dmax;
}

/* relative error per element; a term far below the full loss (cancellation noise, e.g. the
   Laplacian term of flat maps) is measured against 1e-6 of the full loss instead */
static double MaxElementwiseRel(const std::vector<double> &a, const std::vector<double> &b, const std::vector<double> &full)
{
  double r = 0;
  for (size_t i = 0; i < a.size(); i++) {
    double den = std::fabs(b[i]);
    if (i < full.size()) den = std::max(den, 1e-6 * std::fabs(full[i]));
    double d = std::fabs(a[i] - b[i]);
    r        = std::max(r, den > 0 ? d / den : d);
  }
  return r;
}

static herr_t CollectName(hid_t, const char *name, const H5L_info_t *, void *data)
{
  ((std::vector<std::string> *)data)->push_back(name);
  return 0;
}

/* the names of the datasets in a group */
static std::vector<std::string> Members(hid_t f, const std::string &group)
{
  std::vector<std::string> names;
  hid_t                    g = H5Gopen2(f, group.c_str(), H5P_DEFAULT);
  if (g < 0) return names;
  H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, CollectName, &names);
  H5Gclose(g);
  return names;
}

static int Options(const char *casefile)
{
  hid_t f = H5Fopen(casefile, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return fprintf(stderr, "cannot open %s\n", casefile), 2;
  hid_t       r   = H5Gopen2(f, "/", H5P_DEFAULT);
  std::string o   = std::string("-i ") + casefile + ":/X";
  auto        num = [&](const char *name) { return ReadAttrNumbers(r, name); };
  char        buf[128];
  snprintf(buf, sizeof buf, " -nmf_n_components %d", (int)num("n_components")[0]);
  o += buf;
  o += " -nmf_algo " + ReadAttrString(r, "algo");
  for (const char *name : {"lambda_L", "epsilon_reg", "dicotomy_tol", "tol", "log_shift"}) {
    snprintf(buf, sizeof buf, " -nmf_%s %.17g", name, num(name)[0]);
    o += buf;
  }
  std::vector<double> mu = num("mu");
  o += " -nmf_mu ";
  for (size_t i = 0; i < mu.size(); i++) {
    snprintf(buf, sizeof buf, "%s%.17g", i ? "," : "", mu[i]);
    o += buf;
  }
  snprintf(buf, sizeof buf, " -nmf_max_iter %d", (int)num("max_iter")[0]);
  o += buf;
  for (const char *name : {"force_simplex", "normalize", "l2", "linesearch", "no_stop_criterion"}) o += std::string(" -nmf_") + name + (num(name)[0] != 0 ? " true" : " false");
  if (H5Aexists(r, "shape_2d") > 0) {
    std::vector<double> s = num("shape_2d");
    snprintf(buf, sizeof buf, " -shape_2d %d,%d", (int)s[0], (int)s[1]);
    o += buf;
  } else
    o += " -shape_2d none";
  if (H5Aexists(r, "gamma") > 0) {
    std::vector<double> g = num("gamma");
    o += " -nmf_gamma ";
    for (size_t i = 0; i < g.size(); i++) {
      snprintf(buf, sizeof buf, "%s%.17g", i ? "," : "", g[i]);
      o += buf;
    }
  }
  if (Exists(f, "/true/D")) o += std::string(" -true_D ") + casefile + ":/true/D -true_H " + casefile + ":/true/H";
  if (Exists(f, "/G")) o += std::string(" -G ") + casefile + ":/G";
  if (Exists(f, "/init/W")) o += std::string(" -init_W ") + casefile + ":/init/W";
  if (Exists(f, "/init/H")) o += std::string(" -init_H ") + casefile + ":/init/H";
  if (Exists(f, "/fixed/W")) o += std::string(" -fixed_W ") + casefile + ":/fixed/W";
  if (Exists(f, "/fixed/H")) o += std::string(" -fixed_H ") + casefile + ":/fixed/H";
  printf("%s\n", o.c_str());
  H5Gclose(r);
  H5Fclose(f);
  return 0;
}

static int Attr(const char *file, const char *name)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return fprintf(stderr, "cannot open %s\n", file), 2;
  hid_t r  = H5Gopen2(f, "/", H5P_DEFAULT);
  int   rc = 2;
  if (H5Aexists(r, name) > 0) {
    std::vector<double> v = ReadAttrNumbers(r, name);
    if (!v.empty()) printf("%.17g\n", v[0]), rc = 0;
  } else
    fprintf(stderr, "%s has no attribute %s\n", file, name);
  H5Gclose(r);
  H5Fclose(f);
  return rc;
}

/* Compares result `out` with `ref_prefix` inside `ref` (""/ for a result, "/expected" for a case). */
static int Compare(const char *reffile, const char *outfile, const std::string &pre, double loss_tol, double mat_tol)
{
  hid_t rf = H5Fopen(reffile, H5F_ACC_RDONLY, H5P_DEFAULT), of = H5Fopen(outfile, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (rf < 0 || of < 0) return fprintf(stderr, "cannot open %s or %s\n", reffile, outfile), 2;
  int         fails = 0;
  hid_t       rg = H5Gopen2(rf, pre.empty() ? "/" : pre.c_str(), H5P_DEFAULT), og = H5Gopen2(of, "/", H5P_DEFAULT);
  int         ni_ref = (int)ReadAttrNumbers(rg, "n_iter")[0], ni = (int)ReadAttrNumbers(og, "n_iter")[0];
  std::string sr_ref = ReadAttrString(rg, "stop_reason"), sr = ReadAttrString(og, "stop_reason");
  if (ni != ni_ref) fails++, printf("FAIL n_iter %d, expected %d\n", ni, ni_ref);
  if (sr != sr_ref) fails++, printf("FAIL stop_reason %s, expected %s\n", sr.c_str(), sr_ref.c_str());
  for (const char *name : {"const_KL", "reconstruction_err"}) {
    if (H5Aexists(rg, name) <= 0) continue;
    double a = ReadAttrNumbers(og, name)[0], b = ReadAttrNumbers(rg, name)[0];
    double rel = std::fabs(a - b) / std::max(std::fabs(b), 1e-300);
    if (!(rel <= loss_tol)) fails++, printf("FAIL %s %.17g, expected %.17g (rel %.3g)\n", name, a, b, rel);
  }
  if (ni == ni_ref) {
    for (const std::string &nm : Members(rf, pre + "/losses")) {
      const char *name = nm.c_str();
      std::string rp = pre + "/losses/" + nm, op = "/losses/" + nm;
      if (!Exists(of, op)) {
        fails++, printf("FAIL %s missing\n", op.c_str());
        continue;
      }
      std::vector<double> a = ReadDataset(of, op), b = ReadDataset(rf, rp), full;
      if (nm.find("loss") != std::string::npos && nm != "full_loss") full = ReadDataset(rf, pre + "/losses/full_loss");
      double rel = a.size() == b.size() ? MaxElementwiseRel(a, b, full) : INFINITY;
      printf("%-14s max rel diff %.3g\n", name, rel);
      if (!(rel <= loss_tol)) fails++, printf("FAIL losses/%s\n", name);
    }
  }
  for (const char *name : {"W", "H", "GW"}) {
    std::string         rp = pre + "/" + name, op = std::string("/") + name;
    std::vector<double> a = ReadDataset(of, op), b = ReadDataset(rf, rp);
    double              rel = a.size() == b.size() ? MaxRel(a, b) : INFINITY;
    printf("%-14s max abs diff / max abs %.3g\n", name, rel);
    if (!(rel <= mat_tol)) fails++, printf("FAIL %s\n", name);
  }
  H5Gclose(rg);
  H5Gclose(og);
  H5Fclose(rf);
  H5Fclose(of);
  printf("%s\n", fails ? "MISMATCH" : "MATCH");
  return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  if (argc == 3 && !strcmp(argv[1], "options")) return Options(argv[2]);
  if (argc == 4 && !strcmp(argv[1], "compare")) return Compare(argv[2], argv[3], "/expected", 1e-9, 1e-7);
  if (argc == 5 && !strcmp(argv[1], "same")) return Compare(argv[2], argv[3], "", atof(argv[4]), atof(argv[4]));
  if (argc == 4 && !strcmp(argv[1], "attr")) return Attr(argv[2], argv[3]);
  fprintf(stderr, "usage: reference_tool options CASE | compare CASE OUT | same A B TOL | attr FILE NAME\n");
  return 2;
}
