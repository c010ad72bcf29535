// PLACEHOLDER: the apxlate host (serve, translate).
import CTranslate
print(String(cString: apx_version_string()))
